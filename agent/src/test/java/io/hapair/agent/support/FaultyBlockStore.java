package io.hapair.agent.support;

import io.hapair.agent.disk.BlockStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk with faults on demand, over a real one: slow writes, a stall until released, EIO, and a
 * volatile write cache that holds every write until the next flush and loses it on {@link
 * #powerLoss()}. Reads see the cache, as a page cache would.
 */
public final class FaultyBlockStore implements BlockStore {
  private final BlockStore disk;
  private final List<Pending> cache = new ArrayList<>();
  private final AtomicLong writes = new AtomicLong();
  private volatile Duration writeDelay = Duration.ZERO;
  private volatile CountDownLatch stall = new CountDownLatch(0);
  private volatile boolean failing;
  private volatile boolean volatileCache;

  private record Pending(long offset, byte[] data, long zeroes) {}

  public FaultyBlockStore(BlockStore disk) {
    this.disk = disk;
  }

  /** Every later write (and zeroing) takes this long. */
  public FaultyBlockStore slowWrites(Duration delay) {
    this.writeDelay = delay;
    return this;
  }

  /** Writes and flushes from now on block until {@link #resume()}. */
  public void stall() {
    stall = new CountDownLatch(1);
  }

  public void resume() {
    stall.countDown();
  }

  /** Writes and flushes fail with an I/O error (EIO) while on. */
  public void failWrites(boolean on) {
    failing = on;
  }

  /** Writes stay in a volatile cache until a flush (a disk's write cache, the page cache). */
  public FaultyBlockStore withVolatileCache() {
    volatileCache = true;
    return this;
  }

  /** The power goes: whatever was written since the last flush is gone. */
  public synchronized void powerLoss() {
    cache.clear();
  }

  /** Writes and zeroings done so far (cached or not). */
  public long writes() {
    return writes.get();
  }

  @Override
  public long size() {
    return disk.size();
  }

  @Override
  public synchronized void read(long offset, ByteBuffer into) throws IOException {
    int start = into.position();
    disk.read(offset, into);
    for (Pending p : cache) {
      overlay(p, offset, into, start);
    }
  }

  private static void overlay(Pending p, long offset, ByteBuffer into, int start) {
    long length = p.data != null ? p.data.length : p.zeroes;
    long from = Math.max(offset, p.offset);
    long to = Math.min(offset + (into.position() - start), p.offset + length);
    for (long at = from; at < to; at++) {
      byte value = p.data != null ? p.data[(int) (at - p.offset)] : 0;
      into.put(start + (int) (at - offset), value);
    }
  }

  @Override
  public void write(long offset, ByteBuffer from) throws IOException {
    beforeWrite();
    writes.incrementAndGet();
    synchronized (this) {
      if (volatileCache) {
        byte[] data = new byte[from.remaining()];
        from.get(data);
        cache.add(new Pending(offset, data, 0));
      } else {
        disk.write(offset, from);
      }
    }
  }

  @Override
  public void writeZeroes(long offset, long length) throws IOException {
    beforeWrite();
    writes.incrementAndGet();
    synchronized (this) {
      if (volatileCache) {
        cache.add(new Pending(offset, null, length));
      } else {
        disk.writeZeroes(offset, length);
      }
    }
  }

  @Override
  public void flush() throws IOException {
    awaitStall();
    if (failing) {
      throw new IOException("EIO (injected)");
    }
    synchronized (this) {
      for (Pending p : cache) {
        if (p.data != null) {
          disk.write(p.offset, ByteBuffer.wrap(p.data));
        } else {
          disk.writeZeroes(p.offset, p.zeroes);
        }
      }
      cache.clear();
      disk.flush();
    }
  }

  private void beforeWrite() throws IOException {
    awaitStall();
    if (failing) {
      throw new IOException("EIO (injected)");
    }
    long delay = writeDelay.toNanos();
    if (delay > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(delay); // the disk's service time, not a test wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  private void awaitStall() throws IOException {
    try {
      if (!stall.await(5, TimeUnit.MINUTES)) {
        throw new IOException("stalled disk never resumed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** Closes the real disk; a volatile cache not flushed by now is lost, as in a power cut. */
  @Override
  public void close() throws IOException {
    disk.close();
  }
}
