package io.hapair.agent.volume;

import io.hapair.agent.witness.Arbiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the peer as current again at the witness, for one link session: retried while that
 * session lasts (a lost answer must not leave a connected, in-sync peer outdated for good), dropped
 * when it ends. A swap still in flight when the session ends cannot re-list the peer after the
 * primary has acknowledged alone: fencing always writes a new record version, so the late swap
 * conflicts.
 */
final class UpToDateMarker {
  private static final Logger log = LoggerFactory.getLogger(UpToDateMarker.class);
  private static final long FIRST_RETRY_MILLIS = 100;
  private static final long MAX_RETRY_MILLIS = 5000;

  private final Arbiter arbiter;
  private final ScheduledExecutorService timers;
  private final String node;
  private final String peer;
  private final String logPrefix;

  UpToDateMarker(
      Arbiter arbiter,
      ScheduledExecutorService timers,
      String node,
      String peer,
      String logPrefix) {
    this.arbiter = arbiter;
    this.timers = timers;
    this.node = node;
    this.peer = peer;
    this.logPrefix = logPrefix;
  }

  /**
   * Lists the peer as current in the record of {@code term}, as long as {@code sessionLasts}: it is
   * asked again right before each swap is sent.
   */
  void mark(long term, BooleanSupplier sessionLasts) {
    attempt(term, sessionLasts, FIRST_RETRY_MILLIS);
  }

  private void attempt(long term, BooleanSupplier sessionLasts, long backoffMillis) {
    if (!sessionLasts.getAsBoolean()) {
      return;
    }
    arbiter
        .read()
        .thenCompose(
            record -> {
              if (record.epoch() != term
                  || !node.equals(record.primary())
                  || record.isUpToDate(peer)) {
                return CompletableFuture.completedFuture(record);
              }
              if (!sessionLasts.getAsBoolean()) {
                throw new SessionEnded();
              }
              return arbiter.compareAndSwap(record, record.withUpToDate(peer));
            })
        .whenComplete(
            (record, failure) -> {
              if (failure == null) {
                return;
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof SessionEnded || !sessionLasts.getAsBoolean()) {
                return;
              }
              log.warn(
                  "{}: could not record {} as up to date ({}); retrying in {} ms",
                  logPrefix,
                  peer,
                  cause.getMessage(),
                  backoffMillis);
              retryLater(term, sessionLasts, backoffMillis);
            });
  }

  private void retryLater(long term, BooleanSupplier sessionLasts, long backoffMillis) {
    try {
      timers.schedule(
          () -> attempt(term, sessionLasts, Math.min(MAX_RETRY_MILLIS, backoffMillis * 2)),
          backoffMillis,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the volume is closing
    }
  }

  /** The session ended before the swap was sent. */
  private static final class SessionEnded extends RuntimeException {
    SessionEnded() {
      super("the link session ended", null, false, false);
    }
  }
}
