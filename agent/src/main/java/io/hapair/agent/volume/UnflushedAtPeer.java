package io.hapair.agent.volume;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * The writes the peer has confirmed (WRITE_ACK) but not yet made durable: they may sit in its page
 * cache or its disk's write cache, and a power loss there loses them. DRBD's barrier acks play this
 * part. A flush the peer confirms covers every write before it in the stream; on link loss the rest
 * are marked out of sync, so the peer is resynced with them when it returns. Not thread-safe:
 * guarded by the volume's lock.
 */
final class UnflushedAtPeer {
  /** Past this many writes the primary asks the peer for a flush, so the list stays short. */
  static final int FLUSH_AFTER = 1024;

  private record Write(long id, long offset, long length) {}

  private final Deque<Write> writes = new ArrayDeque<>();

  /** The peer confirmed request {@code id} without making it durable. */
  void confirmed(long id, long offset, long length) {
    writes.addLast(new Write(id, offset, length));
  }

  /** The peer confirmed a flush at stream position {@code id}: everything before it is durable. */
  void flushed(long id) {
    while (!writes.isEmpty() && writes.peekFirst().id() < id) {
      writes.removeFirst();
    }
  }

  boolean wantsFlush() {
    return writes.size() >= FLUSH_AFTER;
  }

  /** Hands every write the peer may still lose to {@code markOutOfSync}, and forgets them. */
  void drainTo(BiConsumer<Long, Long> markOutOfSync) {
    writes.forEach(w -> markOutOfSync.accept(w.offset(), w.length()));
    writes.clear();
  }

  int size() {
    return writes.size();
  }
}
