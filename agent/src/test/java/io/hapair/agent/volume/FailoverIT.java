package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.slf4j.LoggerFactory;

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
    ListAppender<ILoggingEvent> volumeLog = new ListAppender<>();
    volumeLog.start();
    Logger logger = (Logger) LoggerFactory.getLogger(ReplicatedVolume.class);
    logger.addAppender(volumeLog);

    pair.b.volume.disconnect("link cut by the test");

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> pair.b.volume.role() == Role.SECONDARY && pair.a.volume.role() == Role.PRIMARY);
    assertThat(pair.arbiter.snapshot().epoch()).isEqualTo(1);
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-a");
    // Why: node-b reconnected to node-a at the same epoch before its term ran out, and never
    // tried to take over.
    logger.detachAppender(volumeLog);
    assertThat(volumeLog.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anyMatch(m -> m.endsWith("node node-b: replication link to node-a up (epoch 1)"))
        .noneMatch(m -> m.contains("node-b: took over") || m.contains("node-b: not taking over"));
  }
}
