package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Failure detection and arbitration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverSpec {

  @Default("100ms")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Heartbeat period on the replication link and on the UDP path.")
  private String heartbeatInterval;

  @Default("5")
  @Min(2)
  @Max(100)
  @JsonPropertyDescription(
      "Heartbeats missed on both paths before the peer is considered lost. Detection time is"
          + " about heartbeatInterval x missedHeartbeats.")
  private Integer missedHeartbeats;

  @Default("Kubernetes")
  @JsonPropertyDescription(
      "The third vote. Kubernetes (default): a Lease per service group. None: the primary keeps"
          + " its role alone and the secondary never promotes automatically.")
  private Witness witness;

  @Default("true")
  @JsonPropertyDescription(
      "Watch the link of the virtual IPs' interface (keepalived's track_interface): a primary"
          + " whose link is down hands its groups to an in-sync peer.")
  private Boolean trackInterface;

  @JsonPropertyDescription(
      "An optional health check on the primary (keepalived's track_script); failing it hands the"
          + " groups to an in-sync peer.")
  private HealthCheckSpec healthCheck;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Automatic role changes (takeovers and tracking handovers) a node makes per"
          + " failoverWindow; past this a flapping link or check cannot move the role any more"
          + " until the window has passed, and a person decides (switchover).")
  private Integer maxAutomaticFailovers;

  @Default("10m")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("The window maxAutomaticFailovers counts in.")
  private String failoverWindow;

  public Boolean getTrackInterface() {
    return trackInterface;
  }

  public void setTrackInterface(Boolean trackInterface) {
    this.trackInterface = trackInterface;
  }

  public HealthCheckSpec getHealthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheckSpec healthCheck) {
    this.healthCheck = healthCheck;
  }

  public Integer getMaxAutomaticFailovers() {
    return maxAutomaticFailovers;
  }

  public void setMaxAutomaticFailovers(Integer maxAutomaticFailovers) {
    this.maxAutomaticFailovers = maxAutomaticFailovers;
  }

  public String getFailoverWindow() {
    return failoverWindow;
  }

  public void setFailoverWindow(String failoverWindow) {
    this.failoverWindow = failoverWindow;
  }

  public String getHeartbeatInterval() {
    return heartbeatInterval;
  }

  public void setHeartbeatInterval(String heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
  }

  public Integer getMissedHeartbeats() {
    return missedHeartbeats;
  }

  public void setMissedHeartbeats(Integer missedHeartbeats) {
    this.missedHeartbeats = missedHeartbeats;
  }

  public Witness getWitness() {
    return witness;
  }

  public void setWitness(Witness witness) {
    this.witness = witness;
  }

  public enum Witness {
    Kubernetes,
    None
  }
}
