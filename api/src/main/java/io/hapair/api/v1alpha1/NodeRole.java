package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;

/** A node's role in a service group, as its agent reports it. */
public enum NodeRole implements WireValue {
  Primary("Serves the group: its disk takes writes and the group's virtual IPs point at it."),
  Secondary("Follows the primary: receives its writes and takes over when it fails.");

  private final String meaning;

  NodeRole(String meaning) {
    this.meaning = meaning;
  }

  @Override
  public String meaning() {
    return meaning;
  }

  @JsonCreator
  public static NodeRole parse(String value) {
    return WireValue.parse(NodeRole.class, value);
  }
}
