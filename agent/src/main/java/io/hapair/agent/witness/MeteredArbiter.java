package io.hapair.agent.witness;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Counts and times every witness request by outcome: won, conflict, unknown, error. */
public final class MeteredArbiter implements Arbiter {
  private final Arbiter delegate;
  private final Tags tags;

  public MeteredArbiter(Arbiter delegate, Tags tags) {
    this.delegate = delegate;
    this.tags = tags;
  }

  @Override
  public CompletableFuture<WitnessRecord> read() {
    return measured("read", delegate.read());
  }

  @Override
  public CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    return measured("cas", delegate.compareAndSwap(expected, next));
  }

  private CompletableFuture<WitnessRecord> measured(
      String operation, CompletableFuture<WitnessRecord> call) {
    long started = System.nanoTime();
    return call.whenComplete(
        (record, failure) -> {
          Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
          String outcome =
              cause == null
                  ? "won"
                  : cause instanceof ConflictException
                      ? "conflict"
                      : cause instanceof OutcomeUnknownException ? "unknown" : "error";
          Tags t = tags.and("operation", operation, "outcome", outcome);
          Metrics.globalRegistry.counter("hapair.witness.requests", t).increment();
          Metrics.globalRegistry
              .timer("hapair.witness.latency", tags.and("operation", operation))
              .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        });
  }
}
