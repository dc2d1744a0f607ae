package io.hapair.agent.core;

import io.hapair.agent.witness.WitnessRecord;

/**
 * A primary's authority to answer, on its own monotonic clock (safety model, rule 4). A grant
 * counts from when its request was sent, so time in flight or in a pause counts against it.
 */
public final class Leases {
  private Leases() {}

  /** Until when a grant for a request sent at {@code sentAt} lets the primary serve. */
  public static long grantedUntil(long sentAt, long primaryTerm) {
    return sentAt + primaryTerm;
  }

  /** Checked before every reply, reads included. */
  public static Verdict mayServe(boolean granted, long validUntil, long now) {
    if (valid(granted, validUntil, now)) {
      return Verdict.allow("lease runs " + (validUntil - now) + " ns more");
    }
    if (!granted) {
      return Verdict.deny("no lease granted in this term");
    }
    return Verdict.deny("lease lapsed " + (now - validUntil) + " ns ago");
  }

  /** {@link #mayServe} without its reason, for the hot path. */
  public static boolean valid(boolean granted, long validUntil, long now) {
    return granted && now - validUntil < 0;
  }

  /**
   * Whether a record read at the witness renews a degraded primary's lease: only one naming it
   * primary of its term and showing the peer outdated (never during fencing).
   */
  public static Verdict mayRenewAtWitness(
      WitnessRecord record, String node, long epoch, String peer) {
    if (record.epoch() != epoch || !record.primary().equals(node)) {
      return Verdict.deny(
          "the witness names " + record.primary() + " primary of epoch " + record.epoch());
    }
    if (record.isUpToDate(peer)) {
      return Verdict.deny(
          "the record still lists " + peer + " as current: it may promote, no renewal");
    }
    return Verdict.allow(peer + " is outdated and this node leads epoch " + epoch);
  }

  /**
   * The primary must hold the shorter timer, so that it outdates its peer before the peer would try
   * to promote (a link cut is not a failover); the difference is the margin against pauses between
   * a lease check and its reply.
   */
  public static Verdict termsOrdered(long primaryTerm, long secondaryTerm) {
    if (primaryTerm <= 0) {
      return Verdict.deny("the primary's term must be positive");
    }
    if (primaryTerm >= secondaryTerm) {
      return Verdict.deny(
          "the primary's term "
              + primaryTerm
              + " must be shorter than the secondary's "
              + secondaryTerm);
    }
    return Verdict.allow("margin " + (secondaryTerm - primaryTerm) + " ns");
  }

  /**
   * Whether a primary may put its peer back into the witness record: from then on the peer may
   * promote once its own grants run out, so the primary's lease must rest on those grants alone,
   * not on an earlier witness answer (its promotion, a renewal) that showed the peer outdated.
   */
  public static Verdict backedByPeer(
      boolean granted, long leaseUntil, boolean peerGranted, long peerGrantUntil) {
    if (!peerGranted) {
      return Verdict.deny("the peer has granted nothing on this link yet");
    }
    if (granted && leaseUntil - peerGrantUntil > 0) {
      return Verdict.deny(
          "the lease runs "
              + (leaseUntil - peerGrantUntil)
              + " ns past the peer's grants: wait before re-listing it");
    }
    return Verdict.allow("the lease rests on the peer's grants");
  }
}
