package io.hapair.agent.volume;

import java.util.function.LongSupplier;

/**
 * A primary's authority to answer, on this node's monotonic clock. Each grant (a heartbeat answered
 * by the secondary, a successful read of the witness record) extends it to the grant's start plus
 * the term: the start is when the request was sent, so time spent in flight or in a pause is
 * counted against the lease, never in its favour.
 */
final class Lease {
  private final LongSupplier nanoClock;
  private final long termNanos;
  private long validUntil;
  private boolean granted;

  Lease(LongSupplier nanoClock, long termNanos) {
    this.nanoClock = nanoClock;
    this.termNanos = termNanos;
  }

  synchronized void extendFrom(long grantStartNanos) {
    long until = grantStartNanos + termNanos;
    if (!granted || until - validUntil > 0) {
      validUntil = until;
      granted = true;
    }
  }

  synchronized void revoke() {
    granted = false;
  }

  synchronized boolean valid() {
    return granted && nanoClock.getAsLong() - validUntil < 0;
  }

  /** Nanoseconds left; negative when lapsed. */
  synchronized long remainingNanos() {
    return granted ? validUntil - nanoClock.getAsLong() : Long.MIN_VALUE;
  }
}
