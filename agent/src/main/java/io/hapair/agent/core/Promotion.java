package io.hapair.agent.core;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.witness.WitnessRecord;

/**
 * Whether a secondary may ask the witness to make it primary of the next epoch (safety model, rule
 * 3 and 4). A node that boots counts its last grant from the moment it started: it may have
 * promised its peer not to promote just before it went down, so "the witness names me" is never
 * enough on its own.
 */
public final class Promotion {
  private Promotion() {}

  /**
   * @param node this node
   * @param disk this node's own record of its data
   * @param record the witness record just read and trusted, or null when none was read
   * @param now this node's monotonic clock
   * @param lastGrantAt when this node last promised a primary not to promote (its boot time if it
   *     has not promised anything since)
   * @param secondaryTerm how long such a promise holds
   */
  public static Verdict mayPromote(
      String node,
      DiskState disk,
      WitnessRecord record,
      long now,
      long lastGrantAt,
      long secondaryTerm) {
    if (disk == DiskState.INCONSISTENT) {
      return Verdict.deny(
          "the disk is Inconsistent (an unfinished resync): it never promotes, not even by force");
    }
    if (disk != DiskState.UP_TO_DATE) {
      return Verdict.deny("the disk is " + disk + ": it missed writes, a person decides");
    }
    long wait = lastGrantAt + secondaryTerm - now;
    if (wait > 0) {
      return Verdict.deny(
          "a lease granted by this node may still run for " + wait + " ns: the primary may serve");
    }
    if (record == null) {
      return Verdict.deny("no witness record read: a node never promotes on its own");
    }
    if (!record.isUpToDate(node)) {
      return Verdict.deny(
          "the witness lists "
              + record.upToDate()
              + " as up to date, not "
              + node
              + ": its data may lack acknowledged writes");
    }
    if (record.primary().equals(node)) {
      return Verdict.allow(
          "the witness names "
              + node
              + " primary of epoch "
              + record.epoch()
              + ": resume only through a new epoch "
              + (record.epoch() + 1));
    }
    return Verdict.allow(
        "listed up to date, lease wait over: ask for epoch " + (record.epoch() + 1));
  }
}
