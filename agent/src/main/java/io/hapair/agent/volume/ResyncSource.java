package io.hapair.agent.volume;

import io.hapair.agent.meta.Bitmap;
import io.hapair.common.Daemons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the out-of-sync regions to the peer, at most {@code bytesPerSecond}, through the primary's
 * ordered stream (so a region is read at its place among the writes and can never overwrite a newer
 * write on the peer). A region's bit is cleared when the peer confirms it is written; when no bit
 * is left, the target is told to flush and become current.
 */
final class ResyncSource {
  private static final Logger log = LoggerFactory.getLogger(ResyncSource.class);
  private static final long CHUNK = 1 << 20;
  private static final long WINDOW = 16L << 20;

  private final ReplicatedVolume volume;
  private final Bitmap bitmap;
  private final long bytesPerSecond;
  private final String logPrefix;
  private final Object lock = new Object();
  private long inFlight;
  private volatile boolean running = true;
  private long sent;

  ResyncSource(ReplicatedVolume volume, Bitmap bitmap, long bytesPerSecond, String logPrefix) {
    this.volume = volume;
    this.bitmap = bitmap;
    this.bytesPerSecond = bytesPerSecond;
    this.logPrefix = logPrefix;
  }

  void start() {
    Daemons.start("resync-" + logPrefix, this::run);
  }

  void stop() {
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** The peer wrote a resync range: its regions are in sync now. */
  void acknowledged(long offset, long length) {
    long first = offset / bitmap.regionSize();
    long last = (offset + length - 1) / bitmap.regionSize();
    for (long r = first; r <= last; r++) {
      bitmap.clearRegion(r);
    }
    synchronized (lock) {
      inFlight -= length;
      lock.notifyAll();
    }
  }

  private void run() {
    long started = System.nanoTime();
    long cursor = 0;
    long size = volume.size();
    int regionSize = bitmap.regionSize();
    try {
      while (running) {
        long region = bitmap.nextSet(cursor);
        if (region < 0) {
          synchronized (lock) {
            while (running && inFlight > 0) {
              lock.wait(500);
            }
          }
          if (!running) {
            return;
          }
          if (bitmap.cardinality() == 0) {
            log.info("{}: resync sent {} bytes", logPrefix, sent);
            volume.submitResyncDone();
            return;
          }
          cursor = 0; // bits set again behind the cursor: go round once more
          continue;
        }
        long count = 1;
        long maxRegions = CHUNK / regionSize;
        while (count < maxRegions
            && bitmap.get(region + count)
            && region + count < bitmap.regions()) {
          count++;
        }
        long offset = region * regionSize;
        int length = (int) Math.min(count * regionSize, size - offset);
        throttle(started, length);
        synchronized (lock) {
          while (running && inFlight + length > WINDOW) {
            lock.wait(500);
          }
          inFlight += length;
        }
        if (!running || !volume.submitResync(offset, length)) {
          return;
        }
        sent += length;
        cursor = region + count;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void throttle(long started, long next) throws InterruptedException {
    if (bytesPerSecond <= 0) {
      return;
    }
    long dueNanos = (long) ((sent + next) * 1e9 / bytesPerSecond);
    long aheadMillis = (dueNanos - (System.nanoTime() - started)) / 1_000_000;
    if (aheadMillis > 0) {
      Thread.sleep(Math.min(aheadMillis, 1000));
    }
  }
}
