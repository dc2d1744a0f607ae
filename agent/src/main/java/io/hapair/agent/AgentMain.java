package io.hapair.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `java -jar hapair-agent.jar`: the node agent. Its subcommands arrive with the data plane. */
@Command(
    name = "hapair-agent",
    mixinStandardHelpOptions = true,
    version = "hapair-agent 0.1.0-SNAPSHOT",
    description = "The hapair node agent: replication, NBD export, failover, virtual IP.")
public final class AgentMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
