package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A health check run on the primary, as keepalived's track_script: after enough failures in a row
 * the primary hands its groups to an in-sync peer.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthCheckSpec {

  @Required
  @JsonPropertyDescription(
      "The command (run by /bin/sh -c on the node); exit status 0 means healthy.")
  private String command;

  @Default("5s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("How often the check runs.")
  private String interval;

  @Default("2s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("A check still running after this long has failed (it is killed).")
  private String timeout;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Failures in a row before the primary hands its role over.")
  private Integer failures;

  public String getCommand() {
    return command;
  }

  public void setCommand(String command) {
    this.command = command;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }
}
