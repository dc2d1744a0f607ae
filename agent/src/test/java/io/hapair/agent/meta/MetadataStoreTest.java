package io.hapair.agent.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
  @TempDir Path dir;

  static Metadata sample() {
    return new Metadata(
        "uid",
        "node-a",
        "vol",
        "/dev/x",
        64L << 20,
        4096,
        Role.SECONDARY,
        DiskState.UP_TO_DATE,
        3,
        new Generations(1, 2, 3, 4),
        false,
        List.of(5L, 9L));
  }

  @Test
  void reopensWithWhatWasWritten() throws IOException {
    Path file = dir.resolve("m");
    try (MetadataStore store = MetadataStore.create(file, sample())) {
      store.write(sample().withRole(Role.PRIMARY).withHighestEpoch(8));
      store.bitmap().setRange(12288, 4096);
      store.persistBitmap();
    }
    try (MetadataStore store = MetadataStore.open(file)) {
      assertThat(store.metadata().role()).isEqualTo(Role.PRIMARY);
      assertThat(store.metadata().highestEpoch()).isEqualTo(8);
      assertThat(store.metadata().activityLog()).containsExactly(5L, 9L);
      assertThat(store.bitmap().cardinality()).isEqualTo(1);
      assertThat(store.bitmap().get(3)).isTrue();
    }
  }

  @Test
  void aTornWriteOfTheNewestSlotFallsBackToTheOtherSlot() throws IOException {
    Path file = dir.resolve("m");
    try (MetadataStore store = MetadataStore.create(file, sample())) {
      store.write(sample().withHighestEpoch(4)); // seq 3, slot 1
      store.write(sample().withHighestEpoch(5)); // seq 4, slot 0
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[100]), 8); // tear slot 0 inside its fields
    }
    try (MetadataStore store = MetadataStore.open(file)) {
      assertThat(store.metadata().highestEpoch()).isEqualTo(4);
    }
  }

  @Test
  void bothSlotsTornIsAClearError() throws IOException {
    Path file = dir.resolve("m");
    MetadataStore.create(file, sample()).close();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[8192]), 0);
    }
    assertThatThrownBy(() -> MetadataStore.open(file))
        .hasMessageContaining("no valid metadata slot");
  }

  @Test
  void theEpochNeverGoesDown() {
    assertThat(sample().withHighestEpoch(1).highestEpoch()).isEqualTo(3);
  }

  @Test
  void theActivityLogEvictsTheLeastRecentlyUsedExtent() {
    ActivityLog log = new ActivityLog(2, List.of());
    // Each write is done (released) before the next: only extents no write holds may leave.
    log.touch(0, 4096);
    log.release(0, 4096);
    log.touch(ActivityLog.EXTENT_SIZE, 4096);
    log.release(ActivityLog.EXTENT_SIZE, 4096);
    log.touch(0, 4096);
    log.release(0, 4096);

    ActivityLog.Change change = log.touch(2 * ActivityLog.EXTENT_SIZE, 1);

    assertThat(change.changed()).isTrue();
    assertThat(change.evicted()).containsExactly(1L);
    assertThat(log.touch(0, 4096).changed()).isFalse();
  }
}
