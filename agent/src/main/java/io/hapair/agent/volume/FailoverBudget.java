package io.hapair.agent.volume;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many automatic role changes a node may make in a sliding window, so that a flapping link or
 * health check cannot move the role back and forth: past the budget, automation waits for the
 * window to pass or for a person. Times on the monotonic clock.
 */
final class FailoverBudget {
  private final Deque<Long> spent = new ArrayDeque<>();
  private int max;
  private long windowNanos;

  FailoverBudget(int max, Duration window) {
    set(max, window);
  }

  synchronized void set(int max, Duration window) {
    this.max = max;
    this.windowNanos = window.toNanos();
  }

  /** Takes one change from the budget if any is left at {@code nowNanos}. */
  synchronized boolean spend(long nowNanos) {
    if (!allows(nowNanos)) {
      return false;
    }
    spent.addLast(nowNanos);
    return true;
  }

  /**
   * Whether a change would fit in the budget at {@code nowNanos}; nothing is taken: an attempt that
   * is refused (by the witness, by a rule) is not a role change.
   */
  synchronized boolean allows(long nowNanos) {
    while (!spent.isEmpty() && nowNanos - spent.peekFirst() >= windowNanos) {
      spent.removeFirst();
    }
    return spent.size() < max;
  }

  /** Counts a role change that happened at {@code nowNanos}. */
  synchronized void record(long nowNanos) {
    allows(nowNanos);
    spent.addLast(nowNanos);
  }

  synchronized String describe() {
    return max + " automatic role changes per " + Duration.ofNanos(windowNanos);
  }
}
