package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP heartbeat path as a second detection path: a primary that lost the replication link and
 * the witness but still answers over UDP keeps its lease and its role; the secondary takes over
 * only once both paths are silent.
 */
class UdpPathIT {
  @TempDir Path dir;

  @Test
  void theSecondaryTakesOverOnlyWhenBothPathsAreSilent() throws Exception {
    try (PairHarness pair = new PairHarness(dir, Protocol.C, "udp path key".getBytes())) {
      pair.autoFailover = true;
      pair.udpHeartbeat = true;
      IsolatedPrimaryIT.Reachability aSees = new IsolatedPrimaryIT.Reachability(pair.arbiter);
      pair.startInSync(aSees, pair.arbiter);
      await().atMost(Duration.ofSeconds(5)).until(() -> pair.a.volume.peerHeardOn("udp"));

      // The link and node-a's witness go; the UDP path stays.
      aSees.reachable = false;
      pair.a.connector.close();
      pair.a.volume.disconnect("link cut, UDP path left");
      await().atMost(Duration.ofSeconds(5)).until(() -> !pair.b.volume.connected());

      long term = pair.b.volume.secondaryTermNanos();
      Duration twoTerms = Duration.ofNanos(2 * term);
      await()
          .during(twoTerms)
          .atMost(twoTerms.plusSeconds(2))
          .until(
              () ->
                  pair.a.volume.mayServe()
                      && pair.b.volume.role() == Role.SECONDARY
                      && pair.b.volume.lastGrantNanos() > System.nanoTime() - term);
      ByteBuffer block = ByteBuffer.allocate(4096);
      pair.a.volume.read(0, block);
      assertThat(pair.arbiter.read().get().primary()).isEqualTo("node-a");

      // Now node-a dies: nothing on either path, and node-b is still up to date at the witness.
      pair.a.crash();
      await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.volume.role() == Role.PRIMARY);
      assertThat(pair.b.volume.promotedAfterNanos() - pair.b.volume.lastGrantNanos())
          .as("the secondary waited out its last grant")
          .isGreaterThanOrEqualTo(term);
      assertThat(pair.b.volume.metadata().diskState()).isEqualTo(DiskState.UP_TO_DATE);
      assertThat(pair.arbiter.read().get().primary()).isEqualTo("node-b");
    }
  }

  @Test
  void anOldPrimaryHearingANewerOneOverUdpStepsDown() throws Exception {
    try (PairHarness pair = new PairHarness(dir, Protocol.C, "udp path key".getBytes())) {
      pair.udpHeartbeat = true;
      IsolatedPrimaryIT.Reachability aSees = new IsolatedPrimaryIT.Reachability(pair.arbiter);
      pair.startInSync(aSees, pair.arbiter);
      long epoch = pair.a.volume.epoch();
      await().atMost(Duration.ofSeconds(5)).until(() -> pair.b.volume.peerHeardOn("udp"));

      // node-a loses the link and the witness (so only the UDP path can tell it); a person makes
      // node-b primary (it is still up to date at the witness).
      aSees.reachable = false;
      pair.a.connector.close();
      pair.a.volume.disconnect("link cut, UDP path left");
      pair.b.volume.promote().get();
      assertThat(pair.b.volume.epoch()).isGreaterThan(epoch);

      await().atMost(Duration.ofSeconds(5)).until(() -> pair.a.volume.role() == Role.SECONDARY);
      assertThat(pair.a.volume.mayServe()).isFalse();
    }
  }
}
