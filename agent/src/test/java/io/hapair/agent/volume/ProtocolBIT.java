package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.Role;
import io.hapair.agent.support.FaultyBlockStore;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol B acknowledges a write once the secondary has received it: every write so acknowledged
 * must be on the secondary's disk when it takes over, however slow that disk is.
 */
class ProtocolBIT {
  private static final int WRITES = 8;

  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void writesReceivedByASlowSecondaryAreOnItsDiskWhenItTakesOver() throws Exception {
    pair = new PairHarness(dir, Protocol.B, "protocol b key".getBytes());
    FaultyBlockStore[] diskOfB = new FaultyBlockStore[1];
    pair.b.disks = d -> diskOfB[0] = new FaultyBlockStore(d);
    pair.startInSync(pair.arbiter, pair.arbiter);
    diskOfB[0].slowWrites(Duration.ofMillis(150));
    long before = diskOfB[0].writes();

    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      acks.add(pair.a.volume.write(offset(i), block(i), false));
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    assertThat(diskOfB[0].writes() - before)
        .as("writes on the secondary's disk when the primary acknowledged them all")
        .isLessThan(WRITES);

    pair.a.crash();
    pair.b.volume.promote().get(30, TimeUnit.SECONDS);

    assertThat(pair.b.volume.role()).isEqualTo(Role.PRIMARY);
    try (FileChannel disk = FileChannel.open(pair.b.disk, StandardOpenOption.READ)) {
      for (int i = 0; i < WRITES; i++) {
        ByteBuffer found = ByteBuffer.allocate(4096);
        disk.read(found, offset(i));
        assertThat(found.flip())
            .as("acknowledged write %d on the new primary", i)
            .isEqualTo(block(i));
      }
    }
  }

  private static long offset(int i) {
    return (long) i << 20;
  }

  private static ByteBuffer block(int i) {
    ByteBuffer b = ByteBuffer.allocate(4096);
    while (b.hasRemaining()) {
      b.put((byte) (i + 1));
    }
    return b.flip();
  }
}
