package io.hapair.agent.core;

import io.hapair.agent.witness.WitnessRecord;

/**
 * How a primary that lost its peer records it as outdated before acknowledging anything alone
 * (safety model, rules 2 and 9). Fencing always writes: a compare-and-swap that produces a new
 * record version even when the record already shows the peer outdated, so an older CAS still in
 * flight (a late "peer is up to date") conflicts instead of landing after it.
 */
public final class Fencing {
  private Fencing() {}

  /** Whether to write the fencing record over {@code read}; denied means: step down. */
  public static Verdict mayFence(WitnessRecord read, String node, long epoch, String peer) {
    if (read.epoch() != epoch || !read.primary().equals(node)) {
      return Verdict.deny(
          "the witness names "
              + (read.primary().isEmpty() ? "nobody" : read.primary())
              + " primary of epoch "
              + read.epoch()
              + ", not "
              + node
              + " of epoch "
              + epoch
              + ": step down");
    }
    if (!read.isUpToDate(peer)) {
      return Verdict.allow(
          peer + " is already outdated: write a new version anyway, so late CASes conflict");
    }
    return Verdict.allow("outdate " + peer + " before acknowledging alone");
  }

  /** The record a fencing CAS writes: the same term, the peer no longer current. */
  public static WitnessRecord fenced(WitnessRecord read, String peer) {
    return read.withoutUpToDate(peer);
  }

  /**
   * Whether a CAS re-listing the peer as up to date may be sent or its answer used: only within the
   * link session whose resync earned it.
   */
  public static Verdict mayRelist(long earnedInSession, long currentSession, boolean peerFlushed) {
    if (earnedInSession != currentSession) {
      return Verdict.deny(
          "earned in link session " + earnedInSession + ", which ended: the peer stays outdated");
    }
    if (!peerFlushed) {
      return Verdict.deny("the peer has not flushed its resync: it could still lose it");
    }
    return Verdict.allow("resynced and flushed within this link session");
  }
}
