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
    while (!spent.isEmpty() && nowNanos - spent.peekFirst() >= windowNanos) {
      spent.removeFirst();
    }
    if (spent.size() >= max) {
      return false;
    }
    spent.addLast(nowNanos);
    return true;
  }

  synchronized String describe() {
    return max + " automatic role changes per " + Duration.ofNanos(windowNanos);
  }
}
