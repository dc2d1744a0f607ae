package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The replicated volume: a local disk on each node kept identical over TCP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeSpec {

  @Required
  @Size(min = 1, max = 4096)
  @JsonPropertyDescription(
      "The block device or file on each node (unless a node overrides it). Prefer"
          + " /dev/disk/by-id/ paths: a disk that carries data but no hapair metadata is refused,"
          + " so /dev/sdX renumbering can never wipe a disk.")
  private String disk;

  @Pattern(Patterns.QUANTITY)
  @JsonPropertyDescription(
      "Usable size, as a Kubernetes quantity (e.g. 10Gi). Optional when the whole device is used.")
  private String size;

  @Default("C")
  @JsonPropertyDescription(
      "Replication protocol. C (default): a write is acknowledged once it is on both nodes. B:"
          + " once written locally and received by the peer. A: once written locally and sent.")
  private Protocol protocol;

  @Default("7788")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port of the replication link on each node's address.")
  private Integer port;

  @Default("100Mi")
  @Pattern(Patterns.QUANTITY)
  @JsonPropertyDescription("Upper bound of resync traffic in bytes per second (e.g. 100Mi).")
  private String resyncRate;

  @Default("crc32c")
  @JsonPropertyDescription("Checksum used by online verify: crc32c (default) or sha256.")
  private VerifyAlgorithm verifyAlgorithm;

  @Pattern(Patterns.DNS_SUBDOMAIN)
  @JsonPropertyDescription(
      "The node whose existing data seeds a new pair (initial full sync from it). Unset: only"
          + " blank disks are initialized.")
  private String initialSyncSource;

  public String getDisk() {
    return disk;
  }

  public void setDisk(String disk) {
    this.disk = disk;
  }

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public Protocol getProtocol() {
    return protocol;
  }

  public void setProtocol(Protocol protocol) {
    this.protocol = protocol;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getResyncRate() {
    return resyncRate;
  }

  public void setResyncRate(String resyncRate) {
    this.resyncRate = resyncRate;
  }

  public VerifyAlgorithm getVerifyAlgorithm() {
    return verifyAlgorithm;
  }

  public void setVerifyAlgorithm(VerifyAlgorithm verifyAlgorithm) {
    this.verifyAlgorithm = verifyAlgorithm;
  }

  public String getInitialSyncSource() {
    return initialSyncSource;
  }

  public void setInitialSyncSource(String initialSyncSource) {
    this.initialSyncSource = initialSyncSource;
  }

  public enum Protocol {
    A,
    B,
    C
  }
}
