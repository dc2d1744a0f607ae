package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/**
 * Commands run on the node at role transitions, with the service group and the new role as
 * arguments. A failing hook is reported, never fatal.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HooksSpec {

  @JsonPropertyDescription("Run after this node became primary of a group.")
  private String onPrimary;

  @JsonPropertyDescription("Run after this node became secondary of a group.")
  private String onSecondary;

  @JsonPropertyDescription("Run when this node enters a fault state (disk failure, fenced).")
  private String onFault;

  @Default("30s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("A hook still running after this long is killed and reported.")
  private String timeout;

  public String getOnPrimary() {
    return onPrimary;
  }

  public void setOnPrimary(String onPrimary) {
    this.onPrimary = onPrimary;
  }

  public String getOnSecondary() {
    return onSecondary;
  }

  public void setOnSecondary(String onSecondary) {
    this.onSecondary = onSecondary;
  }

  public String getOnFault() {
    return onFault;
  }

  public void setOnFault(String onFault) {
    this.onFault = onFault;
  }

  public String getTimeout() {
    return timeout;
  }

  public void setTimeout(String timeout) {
    this.timeout = timeout;
  }
}
