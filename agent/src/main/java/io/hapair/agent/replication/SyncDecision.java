package io.hapair.agent.replication;

import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;

/**
 * Which way data must flow when two nodes connect, from their generation identifiers (as DRBD's
 * UUID comparison). Pure; the witness record is consulted before this in the failover path.
 */
public final class SyncDecision {
  public enum Outcome {
    /** Same data (apart from bitmap bits, which the primary resyncs). */
    IN_SYNC,
    /** This node's data is newer: it is the sync source. */
    SOURCE,
    /** The peer's data is newer: this node is the sync target. */
    TARGET,
    /** This node is the source and the bitmap does not cover the difference: copy everything. */
    FULL_SOURCE,
    FULL_TARGET,
    /** Both moved on separately: never resolved silently. */
    SPLIT_BRAIN,
    /** No common history at all: different disks; refuse. */
    UNRELATED
  }

  private SyncDecision() {}

  public static Outcome decide(Generations local, Role localRole, Generations peer, Role peerRole) {
    if (local.isBlank() && peer.isBlank()) {
      return Outcome.IN_SYNC;
    }
    if (peer.isBlank()) {
      return Outcome.FULL_SOURCE;
    }
    if (local.isBlank()) {
      return Outcome.FULL_TARGET;
    }
    if (local.current() == peer.current()) {
      return Outcome.IN_SYNC;
    }
    boolean localAhead = local.bitmap() != 0 && local.bitmap() == peer.current();
    boolean peerAhead = peer.bitmap() != 0 && peer.bitmap() == local.current();
    if (localAhead && !peerAhead) {
      return Outcome.SOURCE;
    }
    if (peerAhead && !localAhead) {
      return Outcome.TARGET;
    }
    if (local.bitmap() != 0 && local.bitmap() == peer.bitmap()) {
      return Outcome.SPLIT_BRAIN;
    }
    if (local.historyContains(peer.current()) && !peer.historyContains(local.current())) {
      return Outcome.FULL_SOURCE;
    }
    if (peer.historyContains(local.current()) && !local.historyContains(peer.current())) {
      return Outcome.FULL_TARGET;
    }
    if (local.historyContains(peer.bitmap()) || peer.historyContains(local.bitmap())) {
      return Outcome.SPLIT_BRAIN;
    }
    return Outcome.UNRELATED;
  }
}
