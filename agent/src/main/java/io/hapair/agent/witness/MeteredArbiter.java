package io.hapair.agent.witness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Counts and times every witness request by outcome: won, conflict, unknown, error. Every operation
 * and outcome is registered at 0 up front, so the first failure already moves an alert's {@code
 * increase()}.
 */
public final class MeteredArbiter implements Arbiter {
  static final List<String> OPERATIONS = List.of("read", "cas");
  static final List<String> OUTCOMES = List.of("won", "conflict", "unknown", "error");

  /**
   * Bucket bounds around the default 500 ms request deadline (--witness-timeout): fine where a
   * healthy API server answers, and on both sides of the deadline where a slow one ends up.
   */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(200),
    Duration.ofMillis(300),
    Duration.ofMillis(400),
    Duration.ofMillis(500),
    Duration.ofMillis(750),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5)
  };

  private final Arbiter delegate;
  private final Map<String, Counter> requests = new HashMap<>();
  private final Map<String, Timer> latency = new HashMap<>();

  public MeteredArbiter(Arbiter delegate, Tags tags) {
    this.delegate = delegate;
    MeterRegistry registry = Metrics.globalRegistry;
    for (String operation : OPERATIONS) {
      latency.put(
          operation,
          Timer.builder("hapair.witness.latency")
              .description("Witness request latency from the request to its outcome")
              .tags(tags.and("operation", operation))
              .serviceLevelObjectives(LATENCY_BUCKETS)
              .register(registry));
      for (String outcome : OUTCOMES) {
        requests.put(
            operation + "/" + outcome,
            Counter.builder("hapair.witness.requests")
                .description("Witness requests by operation (read, cas) and outcome")
                .tags(tags.and("operation", operation, "outcome", outcome))
                .register(registry));
      }
    }
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
          requests.get(operation + "/" + outcome).increment();
          latency.get(operation).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        });
  }
}
