package io.hapair.agent.witness;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * {@code witness: None}: no third vote. The record lives in this agent only, starting at the
 * highest epoch this node has seen, so the configured primary can lead and outdate its peer alone.
 * Nothing ever promotes the other node automatically; that is what makes this safe.
 */
public final class SoloArbiter implements Arbiter {
  private final String pairUid;
  private final Set<String> nodes;
  private final LongSupplier highestEpoch;
  private WitnessRecord stored;
  private long version;

  public SoloArbiter(String pairUid, Set<String> nodes, LongSupplier highestEpoch) {
    this.pairUid = pairUid;
    this.nodes = nodes;
    this.highestEpoch = highestEpoch;
  }

  @Override
  public synchronized CompletableFuture<WitnessRecord> read() {
    if (stored == null) {
      stored = new WitnessRecord(pairUid, highestEpoch.getAsLong(), "", nodes, "0");
    }
    return CompletableFuture.completedFuture(stored);
  }

  @Override
  public synchronized CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    read();
    if (!stored.version().equals(expected.version())) {
      return CompletableFuture.failedFuture(new ConflictException("record changed"));
    }
    version++;
    stored =
        new WitnessRecord(
            pairUid, next.epoch(), next.primary(), next.upToDate(), Long.toString(version));
    return CompletableFuture.completedFuture(stored);
  }
}
