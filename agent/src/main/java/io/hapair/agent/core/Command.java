package io.hapair.agent.core;

import io.hapair.agent.witness.WitnessRecord;

/** What a core asks its drivers to do. Disk commands answer with DiskDone or DiskFailed. */
public sealed interface Command {

  record DiskWrite(long op, long offset, byte[] data, boolean fua) implements Command {}

  record DiskRead(long op, long offset, int length) implements Command {}

  record DiskFlush(long op) implements Command {}

  /** Write the node's metadata durably (one at a time; completes with DiskDone). */
  record PersistState(long op, DurableState state) implements Command {}

  record SendFrame(Frame frame) implements Command {}

  record CloseLink(long session, String reason) implements Command {}

  /**
   * Read the witness record ({@code expected} null) or swap {@code expected} for {@code proposed};
   * the answer must echo {@code nonce} under the witness's MAC.
   */
  record AskWitness(long nonce, WitnessRecord expected, WitnessRecord proposed) implements Command {
    public boolean isRead() {
      return expected == null;
    }
  }

  /** The answer to a client request; {@code data} for a successful read. */
  record Reply(long request, boolean ok, byte[] data, String error) implements Command {}

  /** Deliver {@link Event.Timer} at {@code at} (replaces any earlier timer). */
  record SetTimer(long at) implements Command {}

  record TakeVip(long epoch) implements Command {}

  record ReleaseVip(String why) implements Command {}

  /** Something a person must see (a log line at WARN or an alarm). */
  record Notice(String text) implements Command {}

  /** The clean stop finished: the process may exit. */
  record Stopped() implements Command {}
}
