package io.hapair.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hapair.agent.kube.KubeAgent;
import io.hapair.agent.standalone.ConfigException;
import io.hapair.agent.standalone.ConfigLoader;
import io.hapair.agent.standalone.ControlCommands;
import io.hapair.agent.standalone.ControlSocket;
import io.hapair.agent.standalone.NodeRunner;
import io.hapair.agent.standalone.StandaloneConfig;
import io.hapair.agent.witness.WitnessServer;
import io.hapair.api.spec.Durations;
import io.hapair.api.spec.HostPorts;
import io.hapair.common.MetricsServer;
import io.hapair.common.tls.PairCertificates;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `java -jar hapair-agent.jar`: the node agent. */
@Command(
    name = "hapair-agent",
    mixinStandardHelpOptions = true,
    version = "hapair-agent 0.1.0-SNAPSHOT",
    description = "The hapair node agent: replication, NBD export, failover, virtual IP.",
    subcommands = {
      AgentMain.Run.class,
      AgentMain.Ctl.class,
      AgentMain.Kube.class,
      AgentMain.ForcePromote.class,
      AgentMain.Witness.class,
      AgentMain.Certs.class
    })
public final class AgentMain implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentMain()).execute(args));
  }

  /** Keeps the process up until it is asked to stop, then closes what runs, once. */
  static void runUntilShutdown(Closeable running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    running.close();
                  } catch (IOException e) {
                    System.err.println("hapair-agent: closing failed: " + e.getMessage());
                  }
                  stopped.countDown();
                },
                "hapair-shutdown"));
    stopped.await();
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** The standalone witness process: the third vote for pairs outside Kubernetes. */
  @Command(
      name = "witness",
      mixinStandardHelpOptions = true,
      description = "Run the witness: keeps each pair's record, changed only by compare-and-swap.")
  static final class Witness implements Callable<Integer> {
    @Option(names = "--listen", required = true, description = "host:port to listen on.")
    String listen;

    @Option(names = "--state-dir", required = true, description = "Where the records are kept.")
    Path stateDir;

    @Option(names = "--key-file", required = true, description = "The pair's shared key file.")
    Path keyFile;

    @Override
    public Integer call() throws Exception {
      InetSocketAddress bind = HostPorts.parse(listen);
      runUntilShutdown(new WitnessServer(bind, stateDir, Files.readAllBytes(keyFile)));
      return 0;
    }
  }

  /** Creates a pair's CA, NBD server and client certificates (standalone mode, tests). */
  @Command(
      name = "certs",
      mixinStandardHelpOptions = true,
      description = "Create a pair's CA, NBD server and client certificates as PEM files.")
  static final class Certs implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Where to write the PEM files.")
    Path dir;

    @Option(names = "--pair", required = true, description = "The pair's name.")
    String pair;

    @Option(
        names = "--server-name",
        required = true,
        description = "A DNS name or IP the NBD server is reached at (the VIP); repeat for more.")
    List<String> serverNames;

    @Override
    public Integer call() throws Exception {
      PairCertificates.generate(dir, pair, serverNames);
      System.out.println(
          "wrote " + dir + "/{ca-cert,server-cert,server-key,client-cert,client-key}.pem");
      return 0;
    }
  }

  /** Kubernetes mode: this node's part of every HAPair that names it. */
  @Command(
      name = "kube",
      mixinStandardHelpOptions = true,
      description = "Run in a Kubernetes cluster (the agent DaemonSet's command).")
  static final class Kube implements Callable<Integer> {
    @Option(names = "--node", required = true, description = "This node's name.")
    String node;

    @Option(
        names = "--namespace",
        required = true,
        description = "The install namespace: Secrets, witness Leases, per-node reports.")
    String namespace;

    @Option(
        names = "--state-dir",
        defaultValue = "/var/lib/hapair",
        description = "Where the pairs' metadata and keys are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(
        names = "--metrics",
        defaultValue = "0.0.0.0:9796",
        description = "host:port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Option(
        names = "--serve-namespace",
        description =
            "A namespace whose HAPairs this agent acts on; repeat for several. Default: all.")
    List<String> servedNamespaces = List.of();

    @Option(
        names = "--allow-commands",
        description =
            "Run the commands HAPairs name (spec.hooks.*, spec.failover.healthCheck.command);"
                + " off by default: such a pair is refused.")
    boolean allowCommands;

    @Option(
        names = "--allowed-disk",
        description =
            "A disk HAPairs may name: a glob (/dev/disk/by-id/wwn-*) or a directory ending in /;"
                + " repeat for several. None by default: every disk is refused.")
    List<String> allowedDisks = List.of();

    @Option(
        names = "--witness-timeout",
        defaultValue = "500ms",
        description = "Deadline of a witness Lease request (default: ${DEFAULT-VALUE}).")
    String witnessTimeout;

    @Override
    public Integer call() throws Exception {
      Duration timeout = Durations.parse(witnessTimeout);
      Config base = Config.autoConfigure(null);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(base).build();
      // The witness client never retries and gives up at the deadline: a late answer is unknown.
      KubernetesClient witnessClient =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder(base)
                      .withRequestTimeout((int) timeout.toMillis())
                      .withConnectionTimeout((int) timeout.toMillis())
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .build();
      KubeAgent agent =
          new KubeAgent(
              client,
              witnessClient,
              new KubeAgent.Settings(
                  node,
                  namespace,
                  stateDir,
                  timeout,
                  version(),
                  new InstallPolicy(allowCommands, DiskAllowList.of(allowedDisks)),
                  Set.copyOf(servedNamespaces)),
              Clock.systemUTC());
      MetricsServer endpoints = new MetricsServer(HostPorts.parse(metrics), agent::ready);
      agent.start();
      runUntilShutdown(
          () -> {
            agent.close();
            endpoints.close();
            witnessClient.close();
            client.close();
          });
      return 0;
    }
  }

  /** A person's override: promote this node although the witness says its data is older. */
  @Command(
      name = "force-promote",
      mixinStandardHelpOptions = true,
      description = {
        "Promote this node although the witness does not list it as current, with the agent"
            + " stopped. Refused unless --lose-writes-of and --since-epoch name exactly what is"
            + " lost; run it once without them to be told. Start the agent afterwards: it leads."
      })
  static final class ForcePromote implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        description = "The node's standalone YAML file.")
    Path config;

    @Option(names = "--group", description = "The service group (default: the first).")
    String group;

    @Option(names = "--lose-writes-of", description = "The node whose newer writes are given up.")
    String loseWritesOf = "";

    @Option(names = "--since-epoch", description = "This node's last epoch, as the refusal says.")
    long sinceEpoch = -1;

    @Override
    public Integer call() {
      try {
        long epoch =
            NodeRunner.forcePromote(ConfigLoader.load(config), group, loseWritesOf, sinceEpoch);
        System.out.println(
            "promoted by force: primary of epoch " + epoch + "; start the agent now, it leads");
        return 0;
      } catch (ConfigException e) {
        System.err.println("hapair-agent: " + e.getMessage());
        return 2;
      } catch (Exception e) {
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        System.err.println("hapair-agent: " + cause.getMessage());
        return 3;
      }
    }
  }

  static String version() {
    String version = AgentMain.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** Standalone mode: this node's part of the pair described in a YAML file. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Run from a standalone config file.")
  static final class Run implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        description = "The standalone YAML file.")
    Path config;

    @Override
    public Integer call() throws Exception {
      NodeRunner runner;
      StandaloneConfig loaded;
      try {
        loaded = ConfigLoader.load(config);
        runner = NodeRunner.start(loaded);
      } catch (ConfigException e) {
        System.err.println("hapair-agent: " + e.getMessage());
        return 2;
      }
      ControlSocket control =
          ControlSocket.open(Path.of(loaded.stateDir), new ControlCommands(runner, config)::handle);
      runUntilShutdown(
          () -> {
            control.close();
            runner.close();
          });
      return 0;
    }
  }

  /** Asks a running standalone agent to do something, through its control socket. */
  @Command(
      name = "ctl",
      mixinStandardHelpOptions = true,
      description = {
        "Talk to the running standalone agent of this node (its control socket in stateDir).",
        "Requests: switchover <node> (hand the groups this node leads to <node>), reload (apply"
            + " maintenance, preferred primaries and failback from the config file)."
      })
  static final class Ctl implements Callable<Integer> {
    @Option(
        names = {"-c", "--config"},
        required = true,
        description = "The standalone YAML file of the running agent.")
    Path config;

    @Parameters(arity = "1..*", description = "The request, e.g. switchover node-b")
    List<String> request;

    @Override
    public Integer call() throws Exception {
      StandaloneConfig loaded;
      try {
        loaded = ConfigLoader.load(config);
      } catch (ConfigException e) {
        System.err.println("hapair-agent: " + e.getMessage());
        return 2;
      }
      String answer = ControlSocket.ask(Path.of(loaded.stateDir), String.join(" ", request));
      System.out.println(answer);
      return answer.startsWith("ok") ? 0 : 1;
    }
  }
}
