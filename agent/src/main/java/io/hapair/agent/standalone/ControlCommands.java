package io.hapair.agent.standalone;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What a person can ask a running standalone agent through its control socket:
 *
 * <ul>
 *   <li>{@code switchover <node>}: hand every group this node leads to {@code node} (drain, flush
 *       both, one witness update), as the {@code hapair.io/switchover-to} annotation does;
 *   <li>{@code reload}: read the config file again and apply what a running pair takes without a
 *       restart (maintenance, preferred primaries, failback), as keepalived's reload.
 * </ul>
 */
public final class ControlCommands {
  private final NodeRunner runner;
  private final Path configFile;

  public ControlCommands(NodeRunner runner, Path configFile) {
    this.runner = runner;
    this.configFile = configFile;
  }

  public CompletableFuture<String> handle(String request) {
    String[] words = request.trim().split("\\s+");
    try {
      return switch (words[0]) {
        case "switchover" -> {
          if (words.length != 2) {
            throw new IllegalArgumentException("usage: switchover <node>");
          }
          String target = words[1];
          yield runner
              .switchOverTo(target)
              .thenApply(
                  groups ->
                      groups == 0
                          ? "this node leads no group whose peer is " + target
                          : "handed " + groups + " group(s) to " + target);
        }
        case "reload" -> {
          StandaloneConfig config = ConfigLoader.load(configFile);
          runner.applyLive(config.spec, config.pair);
          yield CompletableFuture.completedFuture(
              "reloaded "
                  + configFile
                  + ": maintenance, preferred primaries and failback applied; other changes need"
                  + " a restart");
        }
        default ->
            throw new IllegalArgumentException(
                "unknown request \"" + words[0] + "\" (switchover <node>, reload)");
      };
    } catch (ConfigException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
