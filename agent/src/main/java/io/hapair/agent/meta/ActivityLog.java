package io.hapair.agent.meta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary's activity log: the extents (4 MiB) that writes are landing in, as DRBD's. A write
 * into a cold extent makes it hot, and the log is persisted before that write is issued; after a
 * primary crash, every hot extent may differ from the peer and is resynced. Least recently used
 * extents leave when the log is full. Not thread-safe: the volume's write path serializes it.
 */
public final class ActivityLog {
  public static final long EXTENT_SIZE = 4L << 20;

  private final int capacity;
  private final LinkedHashMap<Long, Boolean> extents;

  public ActivityLog(int capacity, List<Long> persisted) {
    this.capacity = capacity;
    this.extents = new LinkedHashMap<>(capacity * 2, 0.75f, true);
    persisted.forEach(e -> extents.put(e, Boolean.TRUE));
  }

  /** The outcome of touching a range: whether the log changed and which extents left it. */
  public record Change(boolean changed, List<Long> evicted) {}

  public Change touch(long offset, long length) {
    long first = offset / EXTENT_SIZE;
    long last = (offset + Math.max(length, 1) - 1) / EXTENT_SIZE;
    boolean changed = false;
    List<Long> evicted = new ArrayList<>();
    for (long e = first; e <= last; e++) {
      if (extents.get(e) == null) {
        changed = true;
        extents.put(e, Boolean.TRUE);
        if (extents.size() > capacity) {
          Map.Entry<Long, Boolean> eldest = extents.entrySet().iterator().next();
          evicted.add(eldest.getKey());
          extents.remove(eldest.getKey());
        }
      }
    }
    return new Change(changed, evicted);
  }

  public List<Long> extents() {
    return List.copyOf(extents.keySet());
  }

  public void clear() {
    extents.clear();
  }
}
