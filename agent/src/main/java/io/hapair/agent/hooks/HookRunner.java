package io.hapair.agent.hooks;

import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the notify hooks (spec.hooks), as keepalived's notify scripts: one command per transition,
 * with the service group and the new role as its two arguments, one at a time in the order the
 * transitions happened, off the data path. A hook that fails or outlives its timeout is killed,
 * logged and counted; it never stops the agent.
 */
public final class HookRunner implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  /** The commands; null means no hook for that transition. */
  public record Hooks(String onPrimary, String onSecondary, String onFault, Duration timeout) {}

  private final Hooks hooks;
  private final String group;
  private final Tags tags;
  private final String logPrefix;
  private final ExecutorService serial = Executors.newSingleThreadExecutor(Daemons.named("hooks"));

  public HookRunner(Hooks hooks, String group, Tags tags, String logPrefix) {
    this.hooks = hooks;
    this.group = group;
    this.tags = tags;
    this.logPrefix = logPrefix;
    // Registered at 0, so that the first failure already shows as an increase.
    for (String role : new String[] {"primary", "secondary", "fault"}) {
      failures(role);
    }
  }

  private Counter failures(String role) {
    return Counter.builder("hapair.hook.failures")
        .description("Notify hooks that failed or outlived their timeout, by transition")
        .tags(tags.and("role", role))
        .register(Metrics.globalRegistry);
  }

  /** Runs the primary hook after those before it; completes when it has run (or failed). */
  public CompletableFuture<Void> becamePrimary() {
    return submit(hooks.onPrimary(), "primary");
  }

  public CompletableFuture<Void> becameSecondary() {
    return submit(hooks.onSecondary(), "secondary");
  }

  public CompletableFuture<Void> fault() {
    return submit(hooks.onFault(), "fault");
  }

  private CompletableFuture<Void> submit(String command, String role) {
    if (command == null || command.isBlank()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(() -> run(command, role), serial);
  }

  private void run(String command, String role) {
    // The command is the user's shell text; group and role arrive as "$1" and "$2".
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command + " \"$@\"", "hapair-hook", group, role)
            .redirectErrorStream(true);
    String outcome;
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(hooks.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        outcome = "killed after " + hooks.timeout().toMillis() + " ms";
      } else if (process.exitValue() != 0) {
        String output =
            new String(process.getInputStream().readNBytes(500), StandardCharsets.UTF_8);
        outcome = "exit " + process.exitValue() + (output.isBlank() ? "" : ": " + output.trim());
      } else {
        outcome = null;
      }
    } catch (IOException e) {
      outcome = "could not start: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (outcome == null) {
      log.info("{}: {} hook ran", logPrefix, role);
    } else {
      log.warn("{}: {} hook failed ({}); carrying on", logPrefix, role, outcome);
      failures(role).increment();
    }
  }

  @Override
  public void close() {
    serial.shutdownNow();
  }
}
