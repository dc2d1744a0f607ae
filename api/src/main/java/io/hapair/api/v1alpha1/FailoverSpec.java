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
