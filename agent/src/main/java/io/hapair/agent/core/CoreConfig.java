package io.hapair.agent.core;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One volume's settings for its core; durations in nanoseconds of the monotonic clock.
 *
 * @param freshIds the source of new generation identifiers (seeded in the simulator)
 * @param bugs deliberate defects, only for the simulator to prove it finds them; empty in use
 */
public record CoreConfig(
    String pairUid,
    String node,
    String peer,
    int regionSize,
    long heartbeat,
    long deadAfter,
    long primaryTerm,
    long secondaryTerm,
    long witnessTimeout,
    int budgetMax,
    long budgetWindow,
    boolean autoFailover,
    LongSupplier freshIds,
    Set<Bug> bugs) {

  public CoreConfig {
    Verdict terms = Leases.termsOrdered(primaryTerm, secondaryTerm);
    if (terms.denied()) {
      throw new IllegalArgumentException(terms.reason());
    }
    bugs = bugs.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(bugs));
  }

  /** Deliberate defects that the simulator's self-test enables one at a time. */
  public enum Bug {
    /** A peer's WRITE_ACK is taken as durable: nothing is marked out of sync on link loss. */
    NO_BARRIER_ACKS,
    /** Fencing reads the record and skips the CAS when the peer is already outdated. */
    FENCE_READS_ONLY,
    /** A secondary promotes without waiting out the lease it granted. */
    NO_LEASE_WAIT,
    /** Held writes are acknowledged alone before the outdate CAS succeeded. */
    ACK_BEFORE_OUTDATE
  }

  boolean has(Bug bug) {
    return bugs.contains(bug);
  }

  int region(long offset) {
    return (int) (offset / regionSize);
  }
}
