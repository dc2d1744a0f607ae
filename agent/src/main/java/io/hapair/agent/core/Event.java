package io.hapair.agent.core;

import io.hapair.agent.witness.WitnessRecord;

/**
 * Everything that can happen to a volume's core; each is handled with the monotonic {@code now}.
 */
public sealed interface Event {

  /** The process started with the state its metadata holds. Always the first event. */
  record Start(DurableState state) implements Event {}

  /** A clean stop: drain, flush, mark what the peer may lack, then {@link Command.Stopped}. */
  record Stop() implements Event {}

  record ClientWrite(long request, long offset, byte[] data, boolean fua) implements Event {}

  record ClientFlush(long request) implements Event {}

  record ClientRead(long request, long offset, int length) implements Event {}

  record PeerFrame(Frame frame) implements Event {}

  /** A disk or metadata command finished; {@code data} holds what a read returned. */
  record DiskDone(long op, byte[] data) implements Event {}

  record DiskFailed(long op, String reason) implements Event {}

  /** What became of a witness request; OUTCOME_UNKNOWN also when it missed its deadline. */
  record WitnessAnswer(long nonce, WitnessOutcome outcome, WitnessRecord record) implements Event {}

  enum WitnessOutcome {
    /** The record as read, or as written by the CAS. */
    OK,
    /** The CAS lost; {@code record} is the current one, or null when the witness does not say. */
    CONFLICT,
    /** Nothing is known: the request may or may not have been applied. */
    OUTCOME_UNKNOWN
  }

  /** The timer set by the last {@link Command.SetTimer} fired. */
  record Timer() implements Event {}

  /** A new, authenticated link session to the peer is open. */
  record LinkUp(long session) implements Event {}

  record LinkDown(long session, String reason) implements Event {}
}
