package io.hapair.agent.witness;

/** The witness did not answer in time: the change may or may not have happened. Re-read. */
public final class OutcomeUnknownException extends RuntimeException {
  public OutcomeUnknownException(String message) {
    super(message);
  }
}
