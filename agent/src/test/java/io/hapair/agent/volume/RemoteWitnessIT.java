package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.witness.RemoteArbiter;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.agent.witness.WitnessServer;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pair that uses the standalone witness process as its third vote. */
class RemoteWitnessIT {
  @TempDir Path dir;

  @Test
  void theSecondaryTakesOverThroughTheWitnessAfterThePrimaryCrashes() throws Exception {
    byte[] key = "remote witness pair key".getBytes();
    try (WitnessServer witness =
            new WitnessServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                dir.resolve("witness"),
                key);
        PairHarness pair = new PairHarness(dir, Protocol.C, key)) {
      WitnessRecord initial =
          new WitnessRecord(PairHarness.PAIR, 0, "", Set.of("node-a", "node-b"), "");
      RemoteArbiter remote =
          new RemoteArbiter(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), witness.port()),
              "vol",
              initial,
              key,
              Duration.ofMillis(500));
      pair.startInSync(remote, remote);
      QemuIo.write(pair.a.uri(), 0x42, "0", "1M");

      pair.a.crash();
      pair.b.promoteAndExport();

      WitnessRecord record = remote.read().get();
      assertThat(record.epoch()).isEqualTo(2);
      assertThat(record.primary()).isEqualTo("node-b");
      QemuIo.read(pair.b.uri(), 0x42, "0", "1M");
    }
  }
}
