package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How a takeover is announced, as keepalived's garp_master_* settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GarpSpec {

  @Default("5")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Announcements sent at takeover.")
  private Integer count;

  @Default("100ms")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription("Pause between the takeover announcements.")
  private String interval;

  @Default("10s")
  @Pattern(Patterns.DURATION)
  @JsonPropertyDescription(
      "Period of the refresh announcements while primary; 0s turns refreshing off.")
  private String refresh;

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }

  public String getInterval() {
    return interval;
  }

  public void setInterval(String interval) {
    this.interval = interval;
  }

  public String getRefresh() {
    return refresh;
  }

  public void setRefresh(String refresh) {
    this.refresh = refresh;
  }
}
