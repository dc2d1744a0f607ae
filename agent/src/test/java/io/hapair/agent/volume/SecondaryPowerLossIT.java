package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.FaultyBlockStore;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secondary confirms a write once it is in its page cache: if its power fails before a flush,
 * the primary must resync those writes when it returns, not call the disks in sync.
 */
class SecondaryPowerLossIT {
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void writesTheSecondaryLostInAPowerCutAreResyncedWhenItReturns() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "power loss key".getBytes());
    FaultyBlockStore[] diskOfB = new FaultyBlockStore[1];
    pair.b.disks = d -> diskOfB[0] = new FaultyBlockStore(d).withVolatileCache();
    pair.startInSync(pair.arbiter, pair.arbiter);

    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      while (block.hasRemaining()) {
        block.put((byte) (i + 1));
      }
      acks.add(pair.a.volume.write((long) i << 20, block.flip(), false));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    diskOfB[0].powerLoss();
    pair.b.crash();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> pair.a.volume.peerState() == ReplicatedVolume.PeerState.DEGRADED);
    assertThat(pair.a.volume.outOfSyncBytes())
        .as("bytes node-a knows node-b may lack")
        .isGreaterThanOrEqualTo(16 * 4096L);

    pair.b.disks = UnaryOperator.identity();
    pair.b.start(pair.arbiter);
    pair.awaitInSync(pair.a);

    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
  }
}
