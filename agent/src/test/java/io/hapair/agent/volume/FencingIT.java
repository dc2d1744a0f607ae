package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.FaultyArbiter;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outdating the peer at the witness, with the primary's path to the witness losing or delaying its
 * swaps: what the witness says about the peer must match what the primary acknowledged.
 */
class FencingIT {
  @TempDir Path dir;
  PairHarness pair;
  FaultyArbiter witnessOfA;

  @BeforeEach
  void start() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "fencing key".getBytes());
    witnessOfA = new FaultyArbiter(pair.arbiter);
  }

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void aLateUpToDateSwapCannotRelistThePeerAfterThePrimaryAcknowledgedAlone() throws Exception {
    // The swap that lists node-b as current misses its deadline and lands later.
    witnessOfA.holdSwapsWhere((expected, next) -> next.isUpToDate("node-b"));
    pair.startInSync(witnessOfA, pair.arbiter);
    await().atMost(Duration.ofSeconds(5)).until(() -> witnessOfA.heldSwaps() > 0);

    pair.b.crash();
    pair.a.volume.write(0, ByteBuffer.wrap(new byte[4096]), true).get(10, TimeUnit.SECONDS);
    witnessOfA.commitLate();

    assertThat(pair.arbiter.snapshot().isUpToDate("node-b"))
        .as("node-b listed as current after node-a acknowledged a write it lacks")
        .isFalse();
  }

  @Test
  void aLostUpToDateSwapIsRetriedWhileTheLinkLasts() throws Exception {
    witnessOfA.dropSwaps(false);
    witnessOfA.holdSwapsWhere((expected, next) -> next.isUpToDate("node-b"));
    pair.startInSync(witnessOfA, pair.arbiter);
    await().atMost(Duration.ofSeconds(5)).until(() -> witnessOfA.heldSwaps() > 0);

    witnessOfA.holdSwapsWhere((expected, next) -> false);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pair.arbiter.snapshot().isUpToDate("node-b"));
    assertThat(pair.a.volume.peerState()).isEqualTo(ReplicatedVolume.PeerState.CONNECTED);
  }

  @Test
  void thePrimaryDoesNotRenewItsLeaseFromARecordThatListsThePeer() throws Exception {
    pair.startInSync(witnessOfA, pair.arbiter);
    witnessOfA.dropSwaps(true); // the outdating never lands; reads still work

    pair.b.crash();

    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> pair.a.volume.peerState() == ReplicatedVolume.PeerState.FENCING);
    await().atMost(Duration.ofSeconds(3)).until(() -> !pair.a.volume.mayServe());
    assertThat(pair.arbiter.snapshot().isUpToDate("node-b")).isTrue();
    assertThat(pair.a.volume.leaseRemainingNanos()).isNegative();
  }
}
