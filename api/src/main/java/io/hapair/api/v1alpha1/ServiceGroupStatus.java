package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One service group's state: each group fails over on its own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceGroupStatus {

  @JsonPropertyDescription("The service group's name.")
  private String name;

  @JsonPropertyDescription("The node that is primary of this group.")
  private String primary;

  @JsonPropertyDescription("The group's current term, from its witness record.")
  private Long epoch;

  @JsonPropertyDescription("The group's phase.")
  private HAPairStatus.Phase phase;

  @JsonPropertyDescription("The timeline of this group's most recent failover.")
  private FailoverRecord lastFailover;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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

  public HAPairStatus.Phase getPhase() {
    return phase;
  }

  public void setPhase(HAPairStatus.Phase phase) {
    this.phase = phase;
  }

  public FailoverRecord getLastFailover() {
    return lastFailover;
  }

  public void setLastFailover(FailoverRecord lastFailover) {
    this.lastFailover = lastFailover;
  }
}
