package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The replication link between the two nodes, as one node sees it. */
public enum LinkState implements WireValue {
  Connected("Both disks are current and every write goes to both."),
  SyncSource("The primary sends the blocks its peer misses (resync running)."),
  SyncTarget("The secondary receives the blocks it misses (resync running)."),
  Fencing("The primary lost its peer and is outdating it at the witness before it goes on."),
  Degraded("The primary runs alone: its peer is outdated at the witness."),
  Disconnected("No link to the peer."),
  Unknown("Only in the pair's per-node status: the node's agent has not reported the group.");

  private final String meaning;

  LinkState(String meaning) {
    this.meaning = meaning;
  }

  @Override
  public String meaning() {
    return meaning;
  }

  /** Whether the two nodes replicate over this link (in sync or resyncing). */
  public boolean replicating() {
    return this == Connected || this == SyncSource || this == SyncTarget;
  }

  @JsonCreator
  public static LinkState parse(String value) {
    return WireValue.parse(LinkState.class, value);
  }
}
