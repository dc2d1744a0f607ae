package io.hapair.agent.core;

import io.hapair.agent.witness.WitnessRecord;

/**
 * Whether a witness answer may be acted on (safety model, rules 5 and 10): it must answer the
 * request it claims to (the nonce this node sent), belong to this pair, and not be older than the
 * highest epoch this node has seen. A record that fails stops automation; it is never "repaired".
 */
public final class WitnessTrust {
  private WitnessTrust() {}

  public static Verdict trust(
      WitnessRecord record, String pairUid, long highestSeen, long sentNonce, long answerNonce) {
    if (answerNonce != sentNonce) {
      return Verdict.deny(
          "answer to request " + answerNonce + ", not to " + sentNonce + " (late or replayed)");
    }
    if (!record.pairUid().equals(pairUid)) {
      return Verdict.deny(
          "the witness holds the record of pair "
              + record.pairUid()
              + ", not "
              + pairUid
              + " (replaced?)");
    }
    if (record.epoch() < highestSeen) {
      return Verdict.deny(
          "the witness record is at epoch "
              + record.epoch()
              + ", older than epoch "
              + highestSeen
              + " seen here (rolled back?)");
    }
    return Verdict.allow("bound to request " + sentNonce + ", epoch " + record.epoch());
  }
}
