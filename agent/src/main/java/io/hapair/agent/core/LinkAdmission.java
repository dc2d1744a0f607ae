package io.hapair.agent.core;

import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.SyncDecision;

/**
 * Whether a replication link, and each frame on it, may be used (safety model, rule 5): epochs only
 * grow, the pair identity must match, and a frame belongs to exactly one link session at exactly
 * one place in its sequence, so a replayed or forged frame is refused.
 */
public final class LinkAdmission {
  private LinkAdmission() {}

  /** What this node knows when a peer's hello arrives. */
  public record Local(String pairUid, Role role, long epoch, long highestSeen) {}

  /** Whether the link described by {@code peer} may carry replication. */
  public static Verdict admit(Local local, PeerMessage.Hello peer, SyncDecision.Outcome data) {
    if (!peer.pairUid().equals(local.pairUid())) {
      return Verdict.deny(
          "the peer belongs to pair " + peer.pairUid() + ", not " + local.pairUid());
    }
    if (local.role() == Role.PRIMARY && peer.role() == Role.PRIMARY) {
      return Verdict.deny(
          "both nodes are primary (epochs " + local.epoch() + " and " + peer.epoch() + ")");
    }
    if (peer.role() == Role.PRIMARY && peer.epoch() < local.highestSeen()) {
      return Verdict.deny(
          "the peer claims epoch "
              + peer.epoch()
              + " but epoch "
              + local.highestSeen()
              + " was seen here");
    }
    if (local.role() == Role.PRIMARY && peer.highestSeen() > local.epoch()) {
      return Verdict.deny(
          "the peer has seen epoch "
              + peer.highestSeen()
              + ", newer than this primary's "
              + local.epoch());
    }
    if (data == SyncDecision.Outcome.SPLIT_BRAIN) {
      return Verdict.deny("split brain: both nodes changed data separately; a person resolves it");
    }
    if (data == SyncDecision.Outcome.UNRELATED) {
      return Verdict.deny("the peer's data has no common history with this node's");
    }
    if (local.role() == Role.PRIMARY
        && (data == SyncDecision.Outcome.TARGET || data == SyncDecision.Outcome.FULL_TARGET)) {
      return Verdict.deny("the peer's data is newer than this primary's");
    }
    return Verdict.allow("same pair, no older epoch, data " + data);
  }

  /**
   * Whether one frame may be processed: from the current session, the next in its sequence, and
   * never from an epoch older than the highest seen here.
   */
  public static Verdict acceptFrame(
      long session,
      long currentSession,
      long counter,
      long expectedCounter,
      long frameEpoch,
      long highestSeen) {
    if (session != currentSession) {
      return Verdict.deny(
          "frame of link session " + session + ", not " + currentSession + " (replayed?)");
    }
    if (counter != expectedCounter) {
      return Verdict.deny(
          "frame number " + counter + " where " + expectedCounter + " was due (replayed?)");
    }
    if (frameEpoch < highestSeen) {
      return Verdict.deny("frame of epoch " + frameEpoch + ", older than " + highestSeen);
    }
    return Verdict.allow("next frame of the current session");
  }

  /** Whether a primary must step down on hearing of a newer epoch (never adopting it). */
  public static Verdict stepDown(Role localRole, long localEpoch, long heardEpoch) {
    if (localRole == Role.PRIMARY && heardEpoch > localEpoch) {
      return Verdict.allow(
          "epoch " + heardEpoch + " is newer than this primary's " + localEpoch + ": step down");
    }
    return Verdict.deny("no newer epoch heard");
  }
}
