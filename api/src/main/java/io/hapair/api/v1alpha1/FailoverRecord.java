package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A failover's timeline, phase by phase, in milliseconds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverRecord {

  @JsonPropertyDescription("The node that was primary.")
  private String from;

  @JsonPropertyDescription("The node that became primary.")
  private String to;

  @JsonPropertyDescription("Why: PeerLost, HealthCheckFailed, Switchover, Failback, ForcePromote.")
  private String reason;

  @JsonPropertyDescription("When the failover began (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("From the last heartbeat received to the peer declared lost.")
  private Long detectMs;

  @JsonPropertyDescription("Lease wait plus the compare-and-swap at the witness.")
  private Long arbitrateMs;

  @JsonPropertyDescription("Promotion: metadata written, NBD export opened.")
  private Long promoteMs;

  @JsonPropertyDescription("Virtual IP added and first announcement sent.")
  private Long announceMs;

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public Long getDetectMs() {
    return detectMs;
  }

  public void setDetectMs(Long detectMs) {
    this.detectMs = detectMs;
  }

  public Long getArbitrateMs() {
    return arbitrateMs;
  }

  public void setArbitrateMs(Long arbitrateMs) {
    this.arbitrateMs = arbitrateMs;
  }

  public Long getPromoteMs() {
    return promoteMs;
  }

  public void setPromoteMs(Long promoteMs) {
    this.promoteMs = promoteMs;
  }

  public Long getAnnounceMs() {
    return announceMs;
  }

  public void setAnnounceMs(Long announceMs) {
    this.announceMs = announceMs;
  }
}
