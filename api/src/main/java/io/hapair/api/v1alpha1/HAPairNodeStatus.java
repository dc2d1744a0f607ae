package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A node's facts about one pair: written on change, at most once a second, never per heartbeat. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HAPairNodeStatus {
  @JsonPropertyDescription("When the agent wrote these facts (RFC 3339).")
  private String updated;

  @JsonPropertyDescription("Version of the agent that wrote them.")
  private String agentVersion;

  @JsonPropertyDescription("The agent's error while it could not run the pair, if any.")
  private String error;

  @JsonPropertyDescription("One entry per service group this node runs.")
  private List<GroupReport> groups = new ArrayList<>();

  public String getUpdated() {
    return updated;
  }

  public void setUpdated(String updated) {
    this.updated = updated;
  }

  public String getAgentVersion() {
    return agentVersion;
  }

  public void setAgentVersion(String agentVersion) {
    this.agentVersion = agentVersion;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public List<GroupReport> getGroups() {
    return groups;
  }

  public void setGroups(List<GroupReport> groups) {
    this.groups = groups;
  }

  /** Equal facts, whenever written: the agent skips a write that would change nothing else. */
  public boolean sameFactsAs(HAPairNodeStatus other) {
    return other != null
        && Objects.equals(agentVersion, other.agentVersion)
        && Objects.equals(error, other.error)
        && Objects.equals(groups, other.groups);
  }
}
