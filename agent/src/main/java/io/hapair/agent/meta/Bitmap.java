package io.hapair.agent.meta;

import java.util.BitSet;

/**
 * The out-of-sync bitmap: one bit per region that may differ from the peer. Kept in memory; pages
 * (of {@link #PAGE_BYTES}) changed since they were last persisted are tracked so that only those
 * are written. Thread-safe.
 */
public final class Bitmap {
  public static final int PAGE_BYTES = 4096;
  static final int REGIONS_PER_PAGE = PAGE_BYTES * 8;

  private final long regions;
  private final int regionSize;
  private final BitSet bits;
  private final BitSet dirtyPages = new BitSet();

  public Bitmap(long regions, int regionSize) {
    if (regions > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("volume too large for a region size of " + regionSize);
    }
    this.regions = regions;
    this.regionSize = regionSize;
    this.bits = new BitSet((int) regions);
  }

  public long regions() {
    return regions;
  }

  public int regionSize() {
    return regionSize;
  }

  /** Marks every region touched by the byte range. */
  public synchronized void setRange(long offset, long length) {
    if (length <= 0) {
      return;
    }
    int first = (int) (offset / regionSize);
    int last = (int) Math.min(regions - 1, (offset + length - 1) / regionSize);
    bits.set(first, last + 1);
    dirtyPages.set(first / REGIONS_PER_PAGE, last / REGIONS_PER_PAGE + 1);
  }

  public synchronized void setRegion(long region) {
    bits.set((int) region);
    dirtyPages.set((int) (region / REGIONS_PER_PAGE));
  }

  public synchronized void clearRegion(long region) {
    if (bits.get((int) region)) {
      bits.clear((int) region);
      dirtyPages.set((int) (region / REGIONS_PER_PAGE));
    }
  }

  public synchronized boolean get(long region) {
    return bits.get((int) region);
  }

  /** The next set region at or after {@code from}, or -1. */
  public synchronized long nextSet(long from) {
    return from >= regions ? -1 : bits.nextSetBit((int) from);
  }

  public synchronized long cardinality() {
    return bits.cardinality();
  }

  public long outOfSyncBytes() {
    return cardinality() * regionSize;
  }

  public synchronized void or(Bitmap other) {
    synchronized (other) {
      BitSet added = (BitSet) other.bits.clone();
      added.andNot(bits);
      bits.or(other.bits);
      for (int r = added.nextSetBit(0); r >= 0; r = added.nextSetBit(r + 1)) {
        dirtyPages.set(r / REGIONS_PER_PAGE);
      }
    }
  }

  public synchronized void clearAll() {
    bits.clear();
    dirtyPages.set(0, pages());
  }

  public int pages() {
    return (int) ((regions + REGIONS_PER_PAGE - 1) / REGIONS_PER_PAGE);
  }

  /** The bytes of one page, for persisting or sending. */
  public synchronized byte[] page(int page) {
    byte[] out = new byte[PAGE_BYTES];
    int from = page * REGIONS_PER_PAGE;
    BitSet slice = bits.get(from, from + REGIONS_PER_PAGE);
    byte[] raw = slice.toByteArray();
    System.arraycopy(raw, 0, out, 0, raw.length);
    return out;
  }

  /** Ors a page read from disk or received from the peer into the bitmap. */
  public synchronized void orPage(int page, byte[] data) {
    BitSet slice = BitSet.valueOf(data);
    int from = page * REGIONS_PER_PAGE;
    for (int i = slice.nextSetBit(0); i >= 0 && from + i < regions; i = slice.nextSetBit(i + 1)) {
      bits.set(from + i);
    }
  }

  /** Takes the set of pages changed since the last call (the caller persists them). */
  public synchronized BitSet takeDirtyPages() {
    BitSet dirty = (BitSet) dirtyPages.clone();
    dirtyPages.clear();
    return dirty;
  }
}
