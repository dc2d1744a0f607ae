package io.hapair.agent.standalone;

import io.hapair.agent.witness.WitnessRecord;

/**
 * What a starting node does with the role, decided from the witness record, this node's own highest
 * epoch (its disk's metadata) and the highest epoch its peer last reported (0 when unknown).
 *
 * <p>A record that names this node is not enough to lead: after a restored backup (etcd, the
 * witness's files) the record can be an older copy that names this node while the peer has led
 * since. Neither the record nor this node's disk can tell; only the peer can. So a starting node
 * leads at once only when the record carries an epoch newer than anything either node has seen (a
 * handover that landed while this node was away), or for a new pair that nobody has led; otherwise
 * it starts as secondary and leads once the peer is reached and confirms it has seen nothing newer.
 */
public record StartRole(Kind kind, String reason) {

  public enum Kind {
    /** Promote now. */
    LEAD,
    /** Start as secondary; promote once the peer is reached and has seen no newer epoch. */
    LEAD_WHEN_PEER_AGREES,
    /** Start as secondary. */
    FOLLOW,
    /** Start as secondary with automation stopped and an alarm: the record is older than a fact. */
    DISTRUST
  }

  /**
   * @param preferred whether this node is the group's preferred node
   * @param ownSeen the highest epoch this node's disk has seen
   * @param peerReported the highest epoch the peer last reported having seen, 0 if unknown
   */
  public static StartRole decide(
      WitnessRecord record, String me, boolean preferred, long ownSeen, long peerReported) {
    return decide(record, me, preferred, ownSeen, peerReported, 0);
  }

  /**
   * As above, for a node that a person forced primary of {@code forcedEpoch} while its agent was
   * stopped ({@code hapair-agent force-promote}, 0 when not): that statement names the loss, so it
   * stands in for the peer's word, but only while the record is still the one it produced.
   */
  public static StartRole decide(
      WitnessRecord record,
      String me,
      boolean preferred,
      long ownSeen,
      long peerReported,
      long forcedEpoch) {
    long seen = Math.max(ownSeen, peerReported);
    if (record.epoch() < seen) {
      return new StartRole(
          Kind.DISTRUST,
          "the witness record is at epoch "
              + record.epoch()
              + ", older than epoch "
              + seen
              + (ownSeen >= peerReported ? " seen on this node" : " reported by the peer")
              + " (restored from a backup?)");
    }
    boolean nobodyLed = record.primary() == null || record.primary().isEmpty();
    if (me.equals(record.primary()) && forcedEpoch > 0 && record.epoch() == forcedEpoch) {
      return new StartRole(
          Kind.LEAD,
          "a person forced this node primary of epoch " + forcedEpoch + " (force-promote)");
    }
    if (me.equals(record.primary())) {
      if (record.epoch() > seen) {
        return new StartRole(
            Kind.LEAD,
            "the witness names this node primary of epoch "
                + record.epoch()
                + ", newer than any epoch either node has seen");
      }
      return new StartRole(
          Kind.LEAD_WHEN_PEER_AGREES,
          "the witness names this node primary of epoch "
              + record.epoch()
              + ", but that record could be a restored copy; leading once the peer confirms it has"
              + " seen nothing newer");
    }
    if (nobodyLed && preferred) {
      if (record.epoch() == 0 && seen == 0) {
        return new StartRole(Kind.LEAD, "a new pair: nobody has led yet, this node is preferred");
      }
      return new StartRole(
          Kind.LEAD_WHEN_PEER_AGREES,
          "nobody leads at epoch "
              + record.epoch()
              + " and this node is preferred; leading once the peer confirms it has seen nothing"
              + " newer");
    }
    return new StartRole(
        Kind.FOLLOW,
        nobodyLed
            ? "nobody leads and the peer is preferred"
            : record.primary() + " is primary of epoch " + record.epoch());
  }
}
