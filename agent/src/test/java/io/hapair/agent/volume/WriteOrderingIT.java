package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.Command;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal-then-commit workload under protocol A, with the primary crashed at a random moment: the
 * secondary must never hold a commit record without the journal record it follows, because the
 * client issued the commit only after the journal write was acknowledged.
 */
class WriteOrderingIT {
  private static final long JOURNAL = 1 << 20;
  private static final long COMMIT = 32 << 20;
  private static final long JOURNAL_MAGIC = 0x4a4f55524e414c00L;
  private static final long COMMIT_MAGIC = 0x434f4d4d49540000L;
  private static final int RECORDS = 4000;

  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  @RepeatedTest(5)
  void theSecondaryNeverHoldsACommitWithoutItsJournal(RepetitionInfo run) throws Exception {
    pair = PairHarness.started(dir, Protocol.A);
    String script =
        "import struct\n"
            + "for i in range(1, "
            + (RECORDS + 1)
            + "):\n"
            + "    h.pwrite(struct.pack('>QQ', "
            + JOURNAL_MAGIC
            + ", i) + bytes(4080), "
            + JOURNAL
            + " + i * 4096)\n"
            + "    h.pwrite(struct.pack('>QQ', "
            + COMMIT_MAGIC
            + ", i) + bytes(4080), "
            + COMMIT
            + " + i * 4096)\n";
    CompletableFuture<Command.Result> client =
        CompletableFuture.supplyAsync(
            () ->
                Command.run(
                    Duration.ofSeconds(60),
                    "env",
                    "PATH=/usr/bin:/bin",
                    "nbdsh",
                    "-u",
                    pair.a.uri(),
                    "-c",
                    script));
    long crashAfterMillis = 150 + new Random(run.getCurrentRepetition()).nextInt(600);
    await()
        .pollDelay(Duration.ofMillis(crashAfterMillis))
        .atMost(Duration.ofSeconds(5))
        .until(() -> true);

    pair.a.crash();
    client.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> !pair.b.volume.connected());

    int commits = 0;
    try (FileChannel disk = FileChannel.open(pair.b.disk, StandardOpenOption.READ)) {
      for (int i = 1; i <= RECORDS; i++) {
        if (record(disk, COMMIT + i * 4096L, COMMIT_MAGIC) == i) {
          commits++;
          assertThat(record(disk, JOURNAL + i * 4096L, JOURNAL_MAGIC))
              .as("journal record %d under commit %d", i, i)
              .isEqualTo(i);
        }
      }
    }
    assertThat(commits).as("commits that reached the secondary before the crash").isPositive();
  }

  private static long record(FileChannel disk, long offset, long magic) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16);
    disk.read(b, offset);
    return b.getLong(0) == magic ? b.getLong(8) : -1;
  }
}
