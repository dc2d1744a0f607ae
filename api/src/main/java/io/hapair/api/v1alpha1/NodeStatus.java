package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What one node's agent reports about itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {

  @JsonPropertyDescription("The node's name.")
  private String name;

  @JsonPropertyDescription("Primary, Secondary or Unknown.")
  private String role;

  @JsonPropertyDescription(
      "UpToDate, Outdated, Inconsistent (resync target), Diskless, Failed or Unknown.")
  private String diskState;

  @JsonPropertyDescription("Connected, Connecting, StandAlone, SyncSource or SyncTarget.")
  private String connection;

  @JsonPropertyDescription("Bytes that differ from the peer and wait for resync.")
  private Long outOfSyncBytes;

  @JsonPropertyDescription("Resync progress in percent (100 when in sync).")
  private Integer syncProgress;

  @JsonPropertyDescription("When the last heartbeat from the peer arrived (RFC 3339).")
  private String lastHeartbeat;

  @JsonPropertyDescription("The version of the node's agent.")
  private String agentVersion;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public String getDiskState() {
    return diskState;
  }

  public void setDiskState(String diskState) {
    this.diskState = diskState;
  }

  public String getConnection() {
    return connection;
  }

  public void setConnection(String connection) {
    this.connection = connection;
  }

  public Long getOutOfSyncBytes() {
    return outOfSyncBytes;
  }

  public void setOutOfSyncBytes(Long outOfSyncBytes) {
    this.outOfSyncBytes = outOfSyncBytes;
  }

  public Integer getSyncProgress() {
    return syncProgress;
  }

  public void setSyncProgress(Integer syncProgress) {
    this.syncProgress = syncProgress;
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
