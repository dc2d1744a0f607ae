package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * A report of what the operator and the agents observed. Never read back as memory: the facts that
 * decide safety (epoch, primary) live in the witness record and on the disks.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HAPairStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Syncing, Healthy, Degraded, SplitBrain or Failed; the worst of the service"
          + " groups.")
  private Phase phase;

  @JsonPropertyDescription("The node that is primary (ActivePassive).")
  private String primary;

  @JsonPropertyDescription("The primary's term, from the witness record (ActivePassive).")
  private Long epoch;

  @JsonPropertyDescription("UpToDate, or the resync progress (e.g. 42%), or Outdated.")
  private String sync;

  @JsonPropertyDescription("Per service group: primary, epoch and phase.")
  private List<ServiceGroupStatus> serviceGroups;

  @JsonPropertyDescription("Per node, as reported by that node's agent.")
  private List<NodeStatus> nodes;

  @JsonPropertyDescription(
      "Standard conditions: Valid, Ready, Replicating, Degraded, SplitBrain, WitnessUnreachable.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The timeline of the most recent failover.")
  private FailoverRecord lastFailover;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getPrimary() {
    return primary;
  }

  public void setPrimary(String primary) {
    this.primary = primary;
  }

  public Long getEpoch() {
    return epoch;
  }

  public void setEpoch(Long epoch) {
    this.epoch = epoch;
  }

  public String getSync() {
    return sync;
  }

  public void setSync(String sync) {
    this.sync = sync;
  }

  public List<ServiceGroupStatus> getServiceGroups() {
    return serviceGroups;
  }

  public void setServiceGroups(List<ServiceGroupStatus> serviceGroups) {
    this.serviceGroups = serviceGroups;
  }

  public List<NodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeStatus> nodes) {
    this.nodes = nodes;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public FailoverRecord getLastFailover() {
    return lastFailover;
  }

  public void setLastFailover(FailoverRecord lastFailover) {
    this.lastFailover = lastFailover;
  }

  public enum Phase {
    Pending,
    Syncing,
    Healthy,
    Degraded,
    SplitBrain,
    Failed
  }
}
