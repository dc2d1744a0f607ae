package io.hapair.agent.core;

/**
 * The answer of one safety rule: whether the step is allowed, and why, in words a log line or a
 * status condition can carry as they are.
 */
public record Verdict(boolean allowed, String reason) {

  public static Verdict allow(String reason) {
    return new Verdict(true, reason);
  }

  public static Verdict deny(String reason) {
    return new Verdict(false, reason);
  }

  public boolean denied() {
    return !allowed;
  }
}
