package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One service group as one node sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GroupReport {
  @JsonPropertyDescription("The service group.")
  private String name;

  @JsonPropertyDescription("The node's role in the group.")
  private NodeRole role;

  @JsonPropertyDescription("The primary term this node leads; 0 while secondary.")
  private Long epoch;

  @JsonPropertyDescription("The highest epoch this node has seen.")
  private Long highestEpoch;

  @JsonPropertyDescription("What the node's copy of the disk holds.")
  private NodeDiskState diskState;

  @JsonPropertyDescription("The replication link to the peer, as this node sees it.")
  private LinkState connection;

  @JsonPropertyDescription("Bytes marked out of sync with the peer.")
  private Long outOfSyncBytes;

  @JsonPropertyDescription("Why the link is refused or the node stopped serving, if it did.")
  private String fault;

  @JsonPropertyDescription("True while the link is refused because both nodes changed data.")
  private Boolean splitBrain;

  @JsonPropertyDescription("This node's last takeover, if it made one.")
  private FailoverRecord lastTakeover;

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

  public Long getEpoch() {
    return epoch;
  }

  public void setEpoch(Long epoch) {
    this.epoch = epoch;
  }

  public Long getHighestEpoch() {
    return highestEpoch;
  }

  public void setHighestEpoch(Long highestEpoch) {
    this.highestEpoch = highestEpoch;
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

  public Long getOutOfSyncBytes() {
    return outOfSyncBytes;
  }

  public void setOutOfSyncBytes(Long outOfSyncBytes) {
    this.outOfSyncBytes = outOfSyncBytes;
  }

  public String getFault() {
    return fault;
  }

  public void setFault(String fault) {
    this.fault = fault;
  }

  public Boolean getSplitBrain() {
    return splitBrain;
  }

  public void setSplitBrain(Boolean splitBrain) {
    this.splitBrain = splitBrain;
  }

  public FailoverRecord getLastTakeover() {
    return lastTakeover;
  }

  public void setLastTakeover(FailoverRecord lastTakeover) {
    this.lastTakeover = lastTakeover;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupReport g
        && Objects.equals(name, g.name)
        && Objects.equals(role, g.role)
        && Objects.equals(epoch, g.epoch)
        && Objects.equals(highestEpoch, g.highestEpoch)
        && Objects.equals(diskState, g.diskState)
        && Objects.equals(connection, g.connection)
        && Objects.equals(outOfSyncBytes, g.outOfSyncBytes)
        && Objects.equals(fault, g.fault)
        && Objects.equals(splitBrain, g.splitBrain)
        && Objects.equals(
            lastTakeover == null ? null : lastTakeover.getStartedAt(),
            g.lastTakeover == null ? null : g.lastTakeover.getStartedAt());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, role, epoch, diskState, connection, outOfSyncBytes);
  }
}
