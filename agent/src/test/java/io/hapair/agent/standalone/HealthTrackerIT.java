package io.hapair.agent.standalone;

import static io.hapair.agent.standalone.LoopbackPair.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.common.MetricsServer;
import io.hapair.common.Scrape;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking: a primary whose health check keeps failing, or whose VIP interface loses its link,
 * hands the role to its in-sync peer; the failover budget stops a ping-pong when both are sick.
 */
class HealthTrackerIT {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir Path dir;
  LoopbackPair pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  private void startInSync(int maxFailovers) throws Exception {
    pair = new LoopbackPair(dir, "hc");
    pair.settings.add("allowCommands: true");
    for (String node : new String[] {"node-a", "node-b"}) {
      pair.run(
          node,
          "failover:",
          "  heartbeatInterval: 100ms",
          "  missedHeartbeats: 5",
          "  maxAutomaticFailovers: " + maxFailovers,
          "  healthCheck:",
          "    command: test ! -e " + dir.resolve("sick-" + node),
          "    interval: 200ms",
          "    timeout: 1s",
          "    failures: 2");
    }
    await().atMost(T).until(() -> LoopbackPair.leadsInSync(pair.a));
  }

  @Test
  void aFailingHealthCheckHandsTheRoleToTheHealthyPeer() throws Exception {
    try (MetricsServer metrics =
        new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true)) {
      startInSync(3);
      // Standalone series name the pair by its name alone; the counter exists before the
      // failover, so the alert's increase() sees it (a series born at 1 shows no increase).
      String handovers =
          "hapair_failovers_total{group=\"hc\",name=\"hc\",node=\"node-a\","
              + "reason=\"HealthCheckFailed\"}";
      assertThat(Scrape.of(metrics.port()).value(handovers)).isZero();
      Files.createFile(dir.resolve("sick-node-a"));

      await().atMost(T).until(() -> volume(pair.b).role() == Role.PRIMARY);
      assertThat(volume(pair.a).role()).isEqualTo(Role.SECONDARY);
      assertThat(pair.witness.snapshot().primary()).isEqualTo("node-b");
      assertThat(pair.witness.snapshot().epoch()).isEqualTo(2);
      assertThat(Scrape.of(metrics.port()).value(handovers)).isEqualTo(1);
    }
  }

  @Test
  void whenBothAreSickTheBudgetEndsThePingPong() throws Exception {
    startInSync(1);
    Files.createFile(dir.resolve("sick-node-a"));
    Files.createFile(dir.resolve("sick-node-b"));

    // node-a hands over (its one change), node-b hands back (its one), then nothing moves.
    await().atMost(T).until(() -> pair.witness.snapshot().epoch() == 3);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(T)
        .until(() -> pair.witness.snapshot().epoch() == 3 && volume(pair.a).role() == Role.PRIMARY);
  }

  @Test
  void aPrimaryWhoseInterfaceLostItsLinkHandsOver() throws Exception {
    startInSync(3);
    // The interface's state as sysfs shows it, in a directory of the test's own.
    Path sys = dir.resolve("sys-class-net");
    Files.createDirectories(sys.resolve("eth9"));
    Files.writeString(sys.resolve("eth9/operstate"), "up\n");
    try (HealthTracker tracker =
        new HealthTracker(Map.of(volume(pair.a), Set.of("eth9")), null, sys, "test").start()) {
      await()
          .during(Duration.ofSeconds(2))
          .atMost(T)
          .until(() -> volume(pair.a).role() == Role.PRIMARY);
      Files.writeString(sys.resolve("eth9/operstate"), "down\n");
      await().atMost(T).until(() -> volume(pair.b).role() == Role.PRIMARY);
    }
  }
}
