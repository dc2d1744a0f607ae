package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.witness.InMemoryArbiter;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split brain, disk identity and restarts. */
class DivergenceIT {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void splitBrainIsDetectedAndNeverResolvedSilently() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.b.crash();
    QemuIo.write(pair.a.uri(), 0x0a, "0", "64k");
    pair.a.crash();
    String aData = pair.a.sha256();
    // A second, misconfigured witness at a later epoch lets node-b lead on its own too.
    InMemoryArbiter forgetful = new InMemoryArbiter(PairHarness.PAIR, Set.of("node-b"));
    WitnessRecord start = forgetful.snapshot();
    forgetful
        .compareAndSwap(start, new WitnessRecord(PairHarness.PAIR, 5, "", Set.of("node-b"), ""))
        .get();
    pair.b.start(forgetful);
    pair.b.promoteAndExport();
    QemuIo.write(pair.b.uri(), 0x0b, "0", "64k");
    String bData = pair.b.sha256();

    pair.a.start(forgetful);

    await().atMost(T).until(() -> pair.b.volume.fault() != null);
    assertThat(pair.b.volume.fault()).contains("split brain");
    assertThat(pair.b.volume.splitBrain()).isTrue();
    assertThat(pair.a.volume.connected()).isFalse();
    assertThat(pair.a.sha256()).isEqualTo(aData);
    assertThat(pair.b.sha256()).isEqualTo(bData);
  }

  @Test
  void discardLeastChangesSavesTheSecondarysChangesThenResyncsIt() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "key".getBytes());
    pair.splitBrain = HAPairSpec.SplitBrainPolicy.DiscardLeastChanges;
    pair.startInSync(pair.arbiter, pair.arbiter);
    pair.b.crash();
    QemuIo.write(pair.a.uri(), 0x0a, "0", "64k");
    pair.a.stop();
    InMemoryArbiter forgetful = new InMemoryArbiter(PairHarness.PAIR, Set.of("node-b"));
    forgetful
        .compareAndSwap(
            forgetful.snapshot(), new WitnessRecord(PairHarness.PAIR, 5, "", Set.of("node-b"), ""))
        .get();
    pair.b.start(forgetful);
    pair.b.promoteAndExport();
    QemuIo.write(pair.b.uri(), 0x0b, "1M", "1M");

    pair.a.start(forgetful);
    pair.awaitInSync(pair.b);

    assertThat(pair.a.sha256()).isEqualTo(pair.b.sha256());
    Path saved;
    try (var files = Files.list(dir)) {
      saved =
          files
              .filter(f -> f.getFileName().toString().endsWith(".discarded"))
              .findFirst()
              .orElseThrow();
    }
    byte[] copy = Files.readAllBytes(saved);
    assertThat(copy).hasSize(16 * (8 + 4096)); // node-a's 64 KiB, region by region
    assertThat(copy[8]).isEqualTo((byte) 0x0a);
  }

  @Test
  void aRolledBackWitnessRecordStopsPromotion() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.a.crash();
    // The Lease was deleted and recreated, or restored from an old backup: epoch 0 again.
    InMemoryArbiter restored = new InMemoryArbiter(PairHarness.PAIR, Set.of("node-b"));
    pair.b.stop();
    pair.b.start(restored);

    assertThat(pair.b.volume.promote())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withMessageContaining("older than epoch 1 seen here (rolled back?): automation stopped");
    assertThat(pair.b.volume.automaticFailover()).isFalse();
    assertThat(pair.b.volume.fault()).startsWith("witness distrusted: the witness record is at");
  }

  @Test
  void aPrimaryThatMustFenceAgainstARolledBackWitnessStopsInsteadOfWritingAlone() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "key".getBytes());
    IsolatedPrimaryIT.Reachability aSees = new IsolatedPrimaryIT.Reachability(pair.arbiter);
    pair.startInSync(aSees, pair.arbiter);
    // node-a's witness is replaced by one restored from before the pair's first promotion.
    aSees.witness = new InMemoryArbiter(PairHarness.PAIR, Set.of("node-a", "node-b"));
    pair.b.crash();

    await().atMost(Duration.ofSeconds(10)).until(() -> !pair.a.volume.mayServe());
    assertThat(pair.a.volume.fault()).contains("older than epoch 1 seen here (rolled back?)");
    assertThat(pair.a.volume.automaticFailover()).isFalse();
    assertThat(aSees.witness.read().get().epoch()).as("nothing written to it").isZero();
  }

  @Test
  void aDiskWithAFilesystemAndNoMetadataIsRefused() throws Exception {
    pair = new PairHarness(dir, Protocol.C, null);
    try (FileChannel disk = FileChannel.open(pair.b.disk, StandardOpenOption.WRITE)) {
      disk.write(
          ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0xEF53), 1080);
    }

    assertThatThrownBy(() -> pair.b.start(pair.arbiter))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ext2/3/4 filesystem")
        .hasMessageContaining("refusing to initialize");
    pair.b.store.close();
  }

  @Test
  void theInitialSyncSourceKeepsItsDataAndSeedsABlankPeer() throws Exception {
    pair = new PairHarness(dir, Protocol.C, null);
    pair.initialSyncSource = "node-a";
    try (FileChannel disk = FileChannel.open(pair.a.disk, StandardOpenOption.WRITE)) {
      disk.write(ByteBuffer.wrap("existing data".repeat(1000).getBytes()), 3 << 20);
    }
    String original = pair.a.sha256();
    pair.startInSync(pair.arbiter, pair.arbiter);

    assertThat(pair.a.sha256()).isEqualTo(original);
    assertThat(pair.b.sha256()).isEqualTo(original);
  }

  @Test
  void restartingEitherNodeCleanlyResyncsNothing() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    QemuIo.write(pair.a.uri(), 0x44, "0", "8M");

    pair.b.stop();
    pair.b.start(pair.arbiter);
    pair.awaitInSync(pair.a);
    assertThat(pair.a.volume.resyncedBytes()).isEqualTo(PairHarness.SIZE); // the initial sync only

    pair.a.stop();
    pair.a.start(pair.arbiter);
    pair.a.promoteAndExport();
    pair.awaitInSync(pair.a);
    assertThat(pair.a.volume.resyncedBytes()).isZero();
    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
  }
}
