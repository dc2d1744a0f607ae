package io.hapair.agent.witness;

import java.util.concurrent.CompletableFuture;

/**
 * The third vote: reads and compare-and-swaps the witness record. Implementations have short
 * timeouts and never retry on their own; a timeout completes exceptionally with {@link
 * OutcomeUnknownException} and the caller re-reads.
 */
public interface Arbiter {

  /** A consistent read (never a cache). */
  CompletableFuture<WitnessRecord> read();

  /**
   * Replaces {@code expected} by {@code next} if the stored record is still {@code expected} (same
   * version); fails with {@link ConflictException} otherwise. Completes with the stored record (its
   * new version) on success.
   */
  CompletableFuture<WitnessRecord> compareAndSwap(WitnessRecord expected, WitnessRecord next);
}
