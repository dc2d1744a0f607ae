package io.hapair.agent.meta;

import java.security.SecureRandom;

/**
 * Generation identifiers, as DRBD's data generation UUIDs. {@code current} names the data as it is;
 * a primary that starts writing without its peer moves {@code current} to {@code bitmap} (the point
 * from which its out-of-sync bitmap counts) and takes a fresh {@code current}. A resync target
 * takes the source's identifiers once it is complete. Comparing two nodes' identifiers tells which
 * one is ahead, and whether both moved on separately (split brain).
 */
public record Generations(long current, long bitmap, long history0, long history1) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public static final Generations BLANK = new Generations(0, 0, 0, 0);

  public static long fresh() {
    long id;
    do {
      id = RANDOM.nextLong();
    } while (id == 0);
    return id;
  }

  public boolean isBlank() {
    return current == 0;
  }

  /** A new data generation begins while the peer does not follow (keeps the bitmap's base). */
  public Generations diverge(long newCurrent) {
    return bitmap != 0
        ? new Generations(newCurrent, bitmap, history0, history1)
        : new Generations(newCurrent, current, history0, history1);
  }

  /** The sync source after a completed resync: the bitmap's base becomes history. */
  public Generations resyncedAsSource() {
    return bitmap == 0 ? this : new Generations(current, 0, bitmap, history0);
  }

  /** The sync target after a completed resync: the same data as the source. */
  public static Generations resyncedAsTarget(Generations source) {
    return source.resyncedAsSource();
  }

  public boolean historyContains(long id) {
    return id != 0 && (id == history0 || id == history1 || id == bitmap);
  }
}
