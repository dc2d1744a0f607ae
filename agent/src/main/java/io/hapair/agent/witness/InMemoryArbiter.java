package io.hapair.agent.witness;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A witness record held in memory, shared by the volumes of one process: component tests drive it
 * (make it unreachable, inspect it). Same compare-and-swap semantics as the real witnesses.
 */
public final class InMemoryArbiter implements Arbiter {
  private WitnessRecord stored;
  private long version;
  private volatile boolean reachable = true;

  /** A new pair's record: epoch 0, no primary yet, the given nodes current. */
  public InMemoryArbiter(String pairUid, Set<String> upToDate) {
    this.stored = new WitnessRecord(pairUid, 0, "", upToDate, "1");
    this.version = 1;
  }

  public void setReachable(boolean reachable) {
    this.reachable = reachable;
  }

  public synchronized WitnessRecord snapshot() {
    return stored;
  }

  @Override
  public synchronized CompletableFuture<WitnessRecord> read() {
    if (!reachable) {
      return CompletableFuture.failedFuture(new OutcomeUnknownException("witness unreachable"));
    }
    return CompletableFuture.completedFuture(stored);
  }

  @Override
  public synchronized CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    if (!reachable) {
      return CompletableFuture.failedFuture(new OutcomeUnknownException("witness unreachable"));
    }
    if (!stored.version().equals(expected.version())) {
      return CompletableFuture.failedFuture(
          new ConflictException("record is at version " + stored.version()));
    }
    version++;
    stored =
        new WitnessRecord(
            next.pairUid(), next.epoch(), next.primary(), next.upToDate(), Long.toString(version));
    return CompletableFuture.completedFuture(stored);
  }
}
