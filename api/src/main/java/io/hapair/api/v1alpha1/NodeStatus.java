package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What one node's agent reports about itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {

  @JsonPropertyDescription("The node's name.")
  private String name;

  @JsonPropertyDescription(
      "Primary when the node leads any service group, else Secondary; absent until it reports.")
  private NodeRole role;

  @JsonPropertyDescription(
      "The worst disk state of its groups; Outdated also when the witness record no longer"
          + " lists the node as current.")
  private NodeDiskState diskState;

  @JsonPropertyDescription(
      "The first of its groups' links that does not replicate, else Connected; Unknown until it"
          + " reports.")
  private LinkState connection;

  @JsonPropertyDescription("The agent's error while it could not run the pair, if any.")
  private String error;

  @JsonPropertyDescription("Bytes that differ from the peer and wait for resync.")
  private Long outOfSyncBytes;

  @JsonPropertyDescription(
      "When the node's agent last wrote its report (RFC 3339); it rewrites an unchanged one"
          + " every five minutes.")
  private String lastHeartbeat;

  @JsonPropertyDescription("The version of the node's agent.")
  private String agentVersion;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public NodeRole getRole() {
    return role;
  }

  public void setRole(NodeRole role) {
    this.role = role;
  }

  public NodeDiskState getDiskState() {
    return diskState;
  }

  public void setDiskState(NodeDiskState diskState) {
    this.diskState = diskState;
  }

  public LinkState getConnection() {
    return connection;
  }

  public void setConnection(LinkState connection) {
    this.connection = connection;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public Long getOutOfSyncBytes() {
    return outOfSyncBytes;
  }

  public void setOutOfSyncBytes(Long outOfSyncBytes) {
    this.outOfSyncBytes = outOfSyncBytes;
  }

  public String getLastHeartbeat() {
    return lastHeartbeat;
  }

  public void setLastHeartbeat(String lastHeartbeat) {
    this.lastHeartbeat = lastHeartbeat;
  }

  public String getAgentVersion() {
    return agentVersion;
  }

  public void setAgentVersion(String agentVersion) {
    this.agentVersion = agentVersion;
  }
}
