package io.hapair.agent.standalone;

import io.hapair.agent.meta.Role;
import io.hapair.agent.volume.Failovers;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Metrics;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracking, as keepalived's track_interface and track_script: a primary whose virtual IPs'
 * interface has lost its link (two looks a second apart), or whose health check failed enough times
 * in a row, hands its groups to an in-sync peer. Each handover is an automatic role change and
 * spends from the volume's failover budget; nothing moves in maintenance.
 */
final class HealthTracker implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(HealthTracker.class);
  static final Duration INTERFACE_CHECK = Duration.ofSeconds(1);

  /** A health check: a shell command, how often, how long it may take, failures to act on. */
  record Check(String command, Duration interval, Duration timeout, int failures) {}

  private final Map<ReplicatedVolume, Set<String>> interfacesByVolume;
  private final Check check;
  private final Path sysClassNet;
  private final String logPrefix;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Daemons.named("tracking"));
  private final Map<String, Integer> downLooks = new HashMap<>();
  private int failuresInARow;

  /**
   * @param interfacesByVolume per volume, the interfaces whose link it tracks (empty: none)
   * @param check the health check, or null
   */
  HealthTracker(
      Map<ReplicatedVolume, Set<String>> interfacesByVolume,
      Check check,
      Path sysClassNet,
      String logPrefix) {
    this.logPrefix = logPrefix;
    this.interfacesByVolume = interfacesByVolume;
    this.check = check;
    this.sysClassNet = sysClassNet;
  }

  HealthTracker start() {
    if (interfacesByVolume.values().stream().anyMatch(s -> !s.isEmpty())) {
      timer.scheduleWithFixedDelay(
          this::lookAtInterfaces,
          INTERFACE_CHECK.toMillis(),
          INTERFACE_CHECK.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    if (check != null) {
      timer.scheduleWithFixedDelay(
          this::runCheck,
          check.interval().toMillis(),
          check.interval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** "up", "down", ...; an interface that is missing counts as down. */
  String operstate(String iface) {
    try {
      return Files.readString(sysClassNet.resolve(iface).resolve("operstate")).trim();
    } catch (IOException e) {
      return "missing";
    }
  }

  private static boolean down(String state) {
    return !state.equals("up") && !state.equals("unknown");
  }

  private void lookAtInterfaces() {
    for (Map.Entry<ReplicatedVolume, Set<String>> e : interfacesByVolume.entrySet()) {
      for (String iface : e.getValue()) {
        String state = operstate(iface);
        int looks = down(state) ? downLooks.merge(iface, 1, Integer::sum) : 0;
        if (!down(state)) {
          downLooks.remove(iface);
        }
        if (looks == 2) {
          handOver(e.getKey(), Failovers.INTERFACE_DOWN, "interface " + iface + " is " + state);
        }
      }
    }
  }

  private void runCheck() {
    boolean healthy;
    String detail;
    try {
      Process p =
          new ProcessBuilder("/bin/sh", "-c", check.command()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(check.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        healthy = false;
        detail = "timed out after " + check.timeout().toMillis() + " ms";
      } else {
        healthy = p.exitValue() == 0;
        detail = "exit " + p.exitValue();
      }
    } catch (IOException e) {
      healthy = false;
      detail = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    failuresInARow = healthy ? 0 : failuresInARow + 1;
    if (!healthy) {
      log.warn(
          "{}: health check failed ({} of {} in a row): {}",
          logPrefix,
          failuresInARow,
          check.failures(),
          detail);
    }
    if (failuresInARow >= check.failures()) {
      failuresInARow = 0;
      interfacesByVolume
          .keySet()
          .forEach(
              v ->
                  handOver(
                      v,
                      Failovers.HEALTH_CHECK_FAILED,
                      "health check failed " + check.failures() + " times in a row"));
    }
  }

  private void handOver(ReplicatedVolume volume, String reason, String why) {
    if (volume.role() != Role.PRIMARY) {
      return;
    }
    String prefix = volume.config().logPrefix();
    if (volume.peerState() != ReplicatedVolume.PeerState.CONNECTED) {
      log.warn(
          "{}: {}, but {} is not in sync: keeping the role",
          prefix,
          why,
          volume.config().peerNode());
      return;
    }
    if (!volume.automaticFailover()) {
      log.warn("{}: {}, but automatic failover is off: keeping the role", prefix, why);
      return;
    }
    if (!volume.failoverBudgetAllows(
        "hand over to " + volume.config().peerNode() + " (" + why + ")")) {
      return;
    }
    log.warn("{}: {}: handing the role to {}", prefix, why, volume.config().peerNode());
    Failovers.counter(Metrics.globalRegistry, volume.config().meterTags(), reason).increment();
    volume
        .handOver()
        .whenComplete(
            (epoch, e) -> {
              if (e == null) {
                volume.recordAutomaticRoleChange(); // only a role change counts
              } else {
                log.warn("{}: the handover did not happen: {}", prefix, e.getMessage());
              }
            });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
