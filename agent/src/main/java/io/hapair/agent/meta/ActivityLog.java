package io.hapair.agent.meta;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary's activity log: the extents (4 MiB) that writes are landing in, as DRBD's. A write
 * into a cold extent makes it hot, and the log is persisted before that write is issued; after a
 * primary crash, every hot extent may differ from the peer and is resynced. Least recently used
 * extents leave when the log is full, but never one with a write still in flight: each touch holds
 * its extents until {@link #release}. Not thread-safe: the volume's write path serializes it.
 */
public final class ActivityLog {
  public static final long EXTENT_SIZE = 4L << 20;

  private final int capacity;
  private final LinkedHashMap<Long, Boolean> extents;
  private final Map<Long, Integer> inFlight = new HashMap<>();

  public ActivityLog(int capacity, List<Long> persisted) {
    this.capacity = capacity;
    this.extents = new LinkedHashMap<>(capacity * 2, 0.75f, true);
    persisted.forEach(e -> extents.put(e, Boolean.TRUE));
  }

  /** The outcome of touching a range: whether the log changed and which extents left it. */
  public record Change(boolean changed, List<Long> evicted) {}

  /** How many extents a range covers. */
  public static long extentsOf(long offset, long length) {
    return last(offset, length) - offset / EXTENT_SIZE + 1;
  }

  private static long last(long offset, long length) {
    return (offset + Math.max(length, 1) - 1) / EXTENT_SIZE;
  }

  /**
   * Whether touching the range now keeps the log within its capacity: the extents held by writes in
   * flight cannot leave, so a touch that needs more room must wait for some to be released.
   */
  public boolean hasRoomFor(long offset, long length) {
    long needed = 0;
    for (long e = offset / EXTENT_SIZE; e <= last(offset, length); e++) {
      if (!inFlight.containsKey(e)) {
        needed++;
      }
    }
    return inFlight.size() + needed <= capacity;
  }

  /** Makes the range's extents hot and holds them until {@link #release} of the same range. */
  public Change touch(long offset, long length) {
    boolean changed = false;
    for (long e = offset / EXTENT_SIZE; e <= last(offset, length); e++) {
      inFlight.merge(e, 1, Integer::sum);
      if (extents.get(e) == null) {
        changed = true;
        extents.put(e, Boolean.TRUE);
      }
    }
    List<Long> evicted = new ArrayList<>();
    Iterator<Long> eldest = extents.keySet().iterator();
    while (extents.size() - evicted.size() > capacity && eldest.hasNext()) {
      long e = eldest.next();
      if (!inFlight.containsKey(e)) {
        evicted.add(e);
      }
    }
    evicted.forEach(extents::remove);
    return new Change(changed, evicted);
  }

  /** The write that touched this range is done: its extents may leave the log again. */
  public void release(long offset, long length) {
    for (long e = offset / EXTENT_SIZE; e <= last(offset, length); e++) {
      inFlight.computeIfPresent(e, (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  public List<Long> extents() {
    return List.copyOf(extents.keySet());
  }

  public void clear() {
    extents.clear();
  }
}
