package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One of the two nodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PairNode {

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @JsonPropertyDescription("The Kubernetes node name (in standalone mode: the host's name).")
  private String name;

  @Required
  @Size(max = 45)
  @Pattern(Patterns.IP_ADDRESS)
  @JsonPropertyDescription(
      "The node's replication address (IPv4 or IPv6, no prefix). The peer connects here on"
          + " spec.volume.port.")
  private String address;

  @Size(max = 45)
  @Pattern(Patterns.IP_ADDRESS)
  @JsonPropertyDescription(
      "A second address of the node for the UDP heartbeat path, ideally on another network or"
          + " NIC (corosync's second ring). Default: address. The path uses the group's port over"
          + " UDP.")
  private String heartbeatAddress;

  @Size(min = 1, max = 4096)
  @JsonPropertyDescription(
      "This node's disk when it differs from spec.volume.disk: a block device or file path."
          + " /dev/disk/by-id/ paths are recommended.")
  private String disk;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getHeartbeatAddress() {
    return heartbeatAddress;
  }

  public void setHeartbeatAddress(String heartbeatAddress) {
    this.heartbeatAddress = heartbeatAddress;
  }

  public String getDisk() {
    return disk;
  }

  public void setDisk(String disk) {
    this.disk = disk;
  }
}
