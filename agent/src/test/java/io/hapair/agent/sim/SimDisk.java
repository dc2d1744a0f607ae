package io.hapair.agent.sim;

import io.hapair.agent.core.DurableState;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A disk of 8-byte blocks with a volatile write cache: a write lands in the cache, a flush or a FUA
 * write makes it durable, and a crash loses the cache. Commands complete in order, each after a
 * latency that faults can stretch (a slow or stalled disk) or end in EIO. The node's metadata is
 * kept beside it and written durably and atomically.
 */
final class SimDisk {
  static final int BLOCK = 8;

  final long[] durable;
  final Map<Integer, Long> cache = new HashMap<>();
  DurableState meta;

  /** When the last queued command completes: commands complete in order. */
  private long busyUntil;

  long slowUntil;
  long stallUntil;
  double eioRate;

  SimDisk(int blocks, DurableState meta) {
    this.durable = new long[blocks];
    this.meta = meta;
  }

  /** When a command submitted at {@code now} completes. */
  long completionTime(long now, SplittableRandom rnd) {
    long latency = Sim.US * (50 + rnd.nextInt(400));
    if (now < slowUntil) {
      latency *= 20;
    }
    long start = Math.max(now, busyUntil);
    if (start < stallUntil) {
      start = stallUntil;
    }
    busyUntil = start + latency;
    return busyUntil;
  }

  boolean failsNow(SplittableRandom rnd) {
    return eioRate > 0 && rnd.nextDouble() < eioRate;
  }

  long value(int block) {
    Long v = cache.get(block);
    return v != null ? v : durable[block];
  }

  void write(long offset, byte[] data, boolean fua) {
    ByteBuffer b = ByteBuffer.wrap(data);
    int first = (int) (offset / BLOCK);
    for (int i = 0; i < data.length / BLOCK; i++) {
      long v = b.getLong();
      if (fua) {
        cache.remove(first + i);
        durable[first + i] = v;
      } else {
        cache.put(first + i, v);
      }
    }
  }

  byte[] read(long offset, int length) {
    ByteBuffer b = ByteBuffer.allocate(length);
    int first = (int) (offset / BLOCK);
    for (int i = 0; i < length / BLOCK; i++) {
      b.putLong(value(first + i));
    }
    return b.array();
  }

  void flush() {
    cache.forEach((k, v) -> durable[k] = v);
    cache.clear();
  }

  /** A real cache writes back on its own now and then. */
  void writeBackSome(SplittableRandom rnd) {
    if (!cache.isEmpty() && rnd.nextInt(4) == 0) {
      Integer k = cache.keySet().iterator().next();
      durable[k] = cache.remove(k);
    }
  }

  /** Power loss: whatever was only in the cache is gone; queued commands never complete. */
  void crash() {
    cache.clear();
    busyUntil = 0;
  }
}
