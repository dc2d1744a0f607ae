package io.hapair.agent.witness;

/** The witness record changed since it was read: the compare-and-swap lost. */
public final class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
