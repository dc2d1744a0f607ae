package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.support.FaultyBlockStore;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop of a primary under load: the shutdown may be marked clean only if the bitmap then
 * names every difference between the disks, so the pair is identical again once it reconnects.
 */
class CleanStopIT {
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void aCleanStopUnderLoadLeavesNoUntrackedDifference() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "clean stop key".getBytes());
    FaultyBlockStore[] diskOfA = new FaultyBlockStore[1];
    pair.a.disks = d -> diskOfA[0] = new FaultyBlockStore(d);
    pair.startInSync(pair.arbiter, pair.arbiter);
    diskOfA[0].slowWrites(Duration.ofMillis(20));

    for (int i = 0; i < 100; i++) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      while (block.hasRemaining()) {
        block.put((byte) (i + 1));
      }
      pair.a.volume.write((long) i * 65536, block.flip(), false); // not waited for
    }
    pair.a.stop();

    pair.a.disks = UnaryOperator.identity();
    pair.a.start(pair.arbiter);
    pair.a.promoteAndExport();
    pair.awaitInSync(pair.a);

    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
  }
}
