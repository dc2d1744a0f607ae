package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;

/** The pair's replication in one word, for the Sync printer column. */
public enum SyncState implements WireValue {
  InSync("Every group replicates and both disks are current."),
  Syncing("A resync is running in at least one group."),
  Disconnected("At least one group runs without a current peer."),
  Unknown("No agent has reported yet.");

  private final String meaning;

  SyncState(String meaning) {
    this.meaning = meaning;
  }

  @Override
  public String meaning() {
    return meaning;
  }

  @JsonCreator
  public static SyncState parse(String value) {
    return WireValue.parse(SyncState.class, value);
  }
}
