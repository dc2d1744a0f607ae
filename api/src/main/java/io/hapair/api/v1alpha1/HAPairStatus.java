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

  @JsonPropertyDescription("The pair's phase: the worst of its service groups'.")
  private Phase phase;

  @JsonPropertyDescription("The node that is primary (ActivePassive).")
  private String primary;

  @JsonPropertyDescription("The primary's term, from the witness record (ActivePassive).")
  private Long epoch;

  @JsonPropertyDescription("The pair's replication in one word (the Sync column).")
  private SyncState sync;

  @JsonPropertyDescription("Per service group: primary, epoch and phase.")
  private List<ServiceGroupStatus> serviceGroups;

  @JsonPropertyDescription("Per node, as reported by that node's agent.")
  private List<NodeStatus> nodes;

  @JsonPropertyDescription(
      "Standard conditions, one per type (the types are listed in the reference).")
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

  public SyncState getSync() {
    return sync;
  }

  public void setSync(SyncState sync) {
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

  /** A service group's or the pair's phase; the pair's is the worst of its groups'. */
  public enum Phase implements WireValue {
    Pending("Valid, but no group has had a primary yet (or no agent has reported)."),
    Syncing("A resync is running."),
    Healthy("Every group has a primary and a current peer."),
    Degraded("A group runs without a current peer, or has no primary."),
    SplitBrain("Both nodes changed the data separately: a person chooses the survivor."),
    Failed("The spec is invalid: the Valid condition names the field.");

    private final String meaning;

    Phase(String meaning) {
      this.meaning = meaning;
    }

    @Override
    public String meaning() {
      return meaning;
    }
  }
}
