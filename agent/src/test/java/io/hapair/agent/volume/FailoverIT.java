package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secondary takes over on its own when its primary is gone, and only then. */
class FailoverIT {
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  private void start() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "failover key".getBytes());
    pair.autoFailover = true;
    pair.startInSync(pair.arbiter, pair.arbiter);
  }

  @Test
  void theSecondaryTakesOverWhenThePrimaryDies() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Metrics.addRegistry(meters);
    start();
    QemuIo.write(pair.a.uri(), 0x7e, "0", "1M");

    pair.a.crash();

    // The timeline is recorded when the promotion completes, just after the role changes.
    await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.volume.lastTakeover() != null);
    assertThat(pair.b.volume.role()).isEqualTo(Role.PRIMARY);
    assertThat(pair.b.volume.epoch()).isEqualTo(2);
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-b");
    ReplicatedVolume.Takeover timeline = pair.b.volume.lastTakeover();
    assertThat(timeline.from()).isEqualTo("node-a");
    assertThat(timeline.casStartNanos() - pair.b.volume.lastGrantNanos())
        .isGreaterThanOrEqualTo(pair.b.volume.secondaryTermNanos());
    Timer duration = meters.get("hapair.failover.duration").tag("node", "node-b").timer();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.totalTime(TimeUnit.NANOSECONDS))
        .isEqualTo(timeline.promotedNanos() - timeline.linkLostNanos());
    assertThat(
            meters
                .get("hapair.failovers")
                .tag("node", "node-b")
                .tag("reason", Failovers.PEER_LOST)
                .counter()
                .count())
        .isEqualTo(1);
    Metrics.removeRegistry(meters);
  }

  @Test
  void aCutLinkWithBothNodesAliveIsNotAFailover() throws Exception {
    start();

    pair.b.volume.disconnect("link cut by the test");

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> pair.b.volume.role() == Role.SECONDARY && pair.a.volume.role() == Role.PRIMARY);
    assertThat(pair.arbiter.snapshot().epoch()).isEqualTo(1);
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-a");
  }
}
