package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which pair and node a {@link HAPairNode} reports on. */
public class HAPairNodeSpec {
  @JsonPropertyDescription("Namespace of the HAPair.")
  private String pairNamespace;

  @JsonPropertyDescription("Name of the HAPair.")
  private String pairName;

  @JsonPropertyDescription(
      "UID of the HAPair: a report about an older pair of the same name is stale.")
  private String pairUid;

  @JsonPropertyDescription("The node whose agent writes this object.")
  private String node;

  public HAPairNodeSpec() {}

  public HAPairNodeSpec(String pairNamespace, String pairName, String pairUid, String node) {
    this.pairNamespace = pairNamespace;
    this.pairName = pairName;
    this.pairUid = pairUid;
    this.node = node;
  }

  public String getPairNamespace() {
    return pairNamespace;
  }

  public void setPairNamespace(String pairNamespace) {
    this.pairNamespace = pairNamespace;
  }

  public String getPairName() {
    return pairName;
  }

  public void setPairName(String pairName) {
    this.pairName = pairName;
  }

  public String getPairUid() {
    return pairUid;
  }

  public void setPairUid(String pairUid) {
    this.pairUid = pairUid;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }
}
