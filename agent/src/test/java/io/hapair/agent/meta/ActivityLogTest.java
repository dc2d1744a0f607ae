package io.hapair.agent.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityLogTest {
  static final long E = ActivityLog.EXTENT_SIZE;

  @Test
  void anExtentWithAWriteInFlightNeverLeavesTheLog() {
    ActivityLog log = new ActivityLog(2, List.of());
    log.touch(0, 4096); // extent 0, in flight
    log.touch(E, 4096); // extent 1, in flight
    log.release(E, 4096);

    ActivityLog.Change change = log.touch(2 * E, 4096);

    assertThat(change.evicted()).containsExactly(1L);
    assertThat(log.extents()).contains(0L, 2L);
  }

  @Test
  void aRequestLargerThanTheLogWaitsForRoomInsteadOfEvictingItsOwnExtents() {
    ActivityLog log = new ActivityLog(4, List.of());
    assertThat(log.hasRoomFor(0, 4 * E)).isTrue();
    assertThat(log.hasRoomFor(0, 5 * E)).as("five extents in a log of four").isFalse();

    log.touch(0, 4 * E);
    assertThat(log.hasRoomFor(4 * E, E)).as("every extent held by a write in flight").isFalse();
    assertThat(log.hasRoomFor(E, E)).as("an extent already held").isTrue();

    log.release(0, 4 * E);
    assertThat(log.hasRoomFor(4 * E, E)).isTrue();
    assertThat(log.touch(4 * E, E).evicted()).containsExactly(0L);
  }

  @Test
  void anExtentIsHeldUntilEveryWriteInItIsReleased() {
    ActivityLog log = new ActivityLog(1, List.of());
    log.touch(0, 4096);
    log.touch(8192, 4096);
    log.release(0, 4096);
    assertThat(log.hasRoomFor(E, 4096)).isFalse();
    log.release(8192, 4096);
    assertThat(log.hasRoomFor(E, 4096)).isTrue();
  }
}
