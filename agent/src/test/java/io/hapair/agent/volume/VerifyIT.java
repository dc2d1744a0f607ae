package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online verify finds a region that differs behind the engine's back, and resyncs it. */
class VerifyIT {
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void findsAndRepairsASilentlyCorruptedRegion() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    QemuIo.write(pair.a.uri(), 0x5c, "0", "4M");
    try (FileChannel disk = FileChannel.open(pair.b.disk, StandardOpenOption.WRITE)) {
      disk.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), (2 << 20) + 100); // bit rot on node-b
    }

    ReplicatedVolume.VerifyReport first = pair.a.volume.verify(true).get();

    assertThat(first.regionsChecked()).isEqualTo(PairHarness.SIZE / 4096);
    assertThat(first.regionsDiffering()).isEqualTo(1);
    pair.awaitInSync(pair.a);
    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
    assertThat(pair.a.volume.verify(false).get().regionsDiffering()).isZero();
  }
}
