package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.support.Command;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two nodes replicating over loopback, written through the NBD export by real clients. */
class ReplicationIT {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  private void copyRandomInto(String uri, long seed, int megabytes) throws Exception {
    Path source = dir.resolve("source-" + seed + ".bin");
    byte[] data = new byte[megabytes << 20];
    new Random(seed).nextBytes(data);
    Files.write(source, data);
    // Flushed at the end, as a careful client does: only then may a crashed secondary be counted
    // on to hold it (without a flush its disk cache may lose it; the primary resyncs that).
    Command.run(T, "nbdcopy", "--flush", source.toString(), uri).orFail();
  }

  @ParameterizedTest(name = "protocol {0}")
  @EnumSource(Protocol.class)
  void whatTheClientWroteIsOnBothDisks(Protocol protocol) throws Exception {
    pair = PairHarness.started(dir, protocol);

    copyRandomInto(pair.a.uri(), 1, 32);

    // Under C the peer has every acknowledged write; under A and B it follows shortly.
    await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.sha256().equals(pair.a.sha256()));
    assertThat(pair.b.volume.metadata().diskState()).isEqualTo(DiskState.UP_TO_DATE);
  }

  @Test
  void underProtocolCTheSecondaryHoldsEveryAcknowledgedWriteAtOnce() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);

    copyRandomInto(pair.a.uri(), 2, 16);

    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
  }

  @Test
  void fioVerifiesThroughThePrimaryAndTheDisksEndIdentical() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);

    Command.run(
            T,
            "fio",
            "--name=verify",
            "--ioengine=nbd",
            "--uri=" + pair.a.uri(),
            "--rw=randwrite",
            "--bs=4k",
            "--size=16M",
            "--iodepth=16",
            "--verify=crc32c",
            "--do_verify=1")
        .orFail();

    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
  }

  @Test
  void aSecondaryThatWasAwayGetsOnlyWhatItMissed() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    copyRandomInto(pair.a.uri(), 3, 64);
    pair.b.crash();

    // 4 MiB of new data while the secondary is away: it is outdated, the primary carries on.
    QemuIo.write(pair.a.uri(), 0x77, "8M", "4M");
    assertThat(pair.arbiter.snapshot().upToDate()).containsExactly("node-a");
    long resyncedBefore = pair.a.volume.resyncedBytes();
    pair.b.start(pair.arbiter);
    pair.awaitInSync(pair.a);

    assertThat(pair.b.sha256()).isEqualTo(pair.a.sha256());
    long resynced = pair.a.volume.resyncedBytes() - resyncedBefore;
    assertThat(resynced).as("resync bytes for 4 MiB dirty").isBetween(4L << 20, 8L << 20);
    assertThat(pair.arbiter.snapshot().upToDate()).containsExactlyInAnyOrder("node-a", "node-b");
  }

  @Test
  void writesWaitUntilTheWitnessRecordsThePeerAsOutdated() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.arbiter.setReachable(false);
    pair.b.crash();

    var write =
        CompletableFuture.supplyAsync(() -> QemuIo.run(pair.a.uri(), "write -P 0x11 0 64k"));

    await()
        .during(Duration.ofMillis(700))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !write.isDone());
    pair.arbiter.setReachable(true);
    assertThat(write.get().exit()).isZero();
    assertThat(pair.arbiter.snapshot().upToDate()).containsExactly("node-a");
  }

  @Test
  void anOutdatedNodeRefusesToBecomePrimary() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.b.crash();
    QemuIo.write(pair.a.uri(), 0x22, "0", "64k");
    pair.a.crash();
    pair.b.start(pair.arbiter);

    assertThat(pair.b.volume.promote())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withMessageContaining("does not list node-b as up to date");
  }

  @Test
  void aResyncTargetIsInconsistentAndRefusesToBecomePrimary() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    copyRandomInto(pair.a.uri(), 4, 32);
    pair.b.crash();
    copyRandomInto(pair.a.uri(), 5, 32);
    pair.resyncRate = 4L << 20; // 4 MiB/s: the 32 MiB resync takes seconds
    pair.b.start(pair.arbiter);
    await().atMost(T).until(() -> pair.b.volume.metadata().diskState() == DiskState.INCONSISTENT);
    pair.a.crash();

    assertThat(pair.b.volume.promote())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat()
        .withMessageContaining("INCONSISTENT");
  }

  @Test
  void afterAPrimaryCrashItsActivityLogIsResyncedFromTheNewPrimary() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    copyRandomInto(pair.a.uri(), 6, 16);
    pair.a.crash();
    // A write the crashed primary made locally but never got to its peer (inside a hot extent).
    try (var disk = FileChannel.open(pair.a.disk, StandardOpenOption.WRITE)) {
      disk.write(ByteBuffer.wrap(new byte[4096]).put(0, (byte) 0xEE), 5 << 20);
    }
    assertThat(pair.a.sha256()).isNotEqualTo(pair.b.sha256());
    pair.b.promoteAndExport();
    QemuIo.write(pair.b.uri(), 0x33, "1M", "1M");

    pair.a.start(pair.arbiter);
    pair.awaitInSync(pair.b);

    assertThat(pair.a.sha256()).isEqualTo(pair.b.sha256());
    assertThat(pair.b.volume.epoch()).isEqualTo(2);
    // The old primary's hot extents (16 MiB written) and the new write, not the whole disk.
    assertThat(pair.b.volume.resyncedBytes()).isLessThan(PairHarness.SIZE / 2);
  }
}
