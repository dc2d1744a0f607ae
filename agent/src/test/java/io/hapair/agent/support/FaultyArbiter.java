package io.hapair.agent.support;

import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.OutcomeUnknownException;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * One node's path to the witness, with faults on demand: compare-and-swaps that miss their deadline
 * and land later (held, then committed by {@link #commitLate()}), answers lost after the commit or
 * before it, and errors that are neither a conflict nor a timeout.
 */
public final class FaultyArbiter implements Arbiter {
  private final Arbiter witness;
  private final List<Runnable> held = new ArrayList<>();
  private final AtomicInteger casCalls = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile BiPredicate<WitnessRecord, WitnessRecord> holdWhen = (e, n) -> false;
  private volatile boolean dropCas;
  private volatile Supplier<RuntimeException> failAll;

  public FaultyArbiter(Arbiter witness) {
    this.witness = witness;
  }

  /**
   * Swaps matching {@code (expected, next)} are answered as timed out at once and reach the witness
   * only at {@link #commitLate()}: a request that missed its deadline and lands later.
   */
  public void holdSwapsWhere(BiPredicate<WitnessRecord, WitnessRecord> when) {
    holdWhen = when;
  }

  /** Commits the held swaps now, in order (each against the witness as it then is). */
  public void commitLate() {
    List<Runnable> now;
    synchronized (held) {
      now = new ArrayList<>(held);
      held.clear();
    }
    now.forEach(Runnable::run);
  }

  public int heldSwaps() {
    synchronized (held) {
      return held.size();
    }
  }

  /** Swaps are lost on the way (never committed, answered as timed out); reads still work. */
  public void dropSwaps(boolean on) {
    dropCas = on;
  }

  /** Every call fails with this error (null: none) before reaching the witness. */
  public void failWith(Supplier<RuntimeException> error) {
    failAll = error;
  }

  public int swapsAttempted() {
    return casCalls.get();
  }

  /** Calls failed by {@link #failWith}. */
  public int failedCalls() {
    return failed.get();
  }

  @Override
  public CompletableFuture<WitnessRecord> read() {
    Supplier<RuntimeException> error = failAll;
    if (error != null) {
      failed.incrementAndGet();
      return CompletableFuture.failedFuture(error.get());
    }
    return witness.read();
  }

  @Override
  public CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    casCalls.incrementAndGet();
    Supplier<RuntimeException> error = failAll;
    if (error != null) {
      failed.incrementAndGet();
      return CompletableFuture.failedFuture(error.get());
    }
    if (dropCas) {
      return CompletableFuture.failedFuture(new OutcomeUnknownException("swap lost (injected)"));
    }
    if (holdWhen.test(expected, next)) {
      synchronized (held) {
        held.add(() -> witness.compareAndSwap(expected, next));
      }
      return CompletableFuture.failedFuture(
          new OutcomeUnknownException("swap past its deadline (injected)"));
    }
    return witness.compareAndSwap(expected, next);
  }
}
