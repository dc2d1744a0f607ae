package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What a node's copy of the replicated disk holds. */
public enum NodeDiskState implements WireValue {
  UpToDate("Holds every acknowledged write: this node may serve the group."),
  Outdated(
      "Misses writes its peer acknowledged (outdated at the witness): it never serves until it"
          + " has resynced."),
  Inconsistent("A resync target in the middle of a resync: its blocks mix old and new data.");

  private final String meaning;

  NodeDiskState(String meaning) {
    this.meaning = meaning;
  }

  @Override
  public String meaning() {
    return meaning;
  }

  @JsonCreator
  public static NodeDiskState parse(String value) {
    return WireValue.parse(NodeDiskState.class, value);
  }
}
