package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The unit of replication and failover in ActiveActive mode: a volume and its virtual IPs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceGroup {

  @Required
  @Pattern(Patterns.DNS_LABEL)
  @JsonPropertyDescription(
      "The group's name: the NBD export name and part of its witness Lease's name.")
  private String name;

  @Required
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @JsonPropertyDescription("The node this group runs on while both are healthy.")
  private String preferredNode;

  @Required
  @JsonPropertyDescription("The group's replicated volume; it needs its own port.")
  private VolumeSpec volume;

  @JsonPropertyDescription("The group's NBD export.")
  private ExportSpec export;

  @JsonPropertyDescription("A filesystem on the group's volume, mounted on its primary.")
  private FilesystemSpec filesystem;

  @Size(max = 8)
  @JsonPropertyDescription("The group's virtual IPs.")
  private List<VirtualIP> virtualIPs;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getPreferredNode() {
    return preferredNode;
  }

  public void setPreferredNode(String preferredNode) {
    this.preferredNode = preferredNode;
  }

  public VolumeSpec getVolume() {
    return volume;
  }

  public void setVolume(VolumeSpec volume) {
    this.volume = volume;
  }

  public ExportSpec getExport() {
    return export;
  }

  public void setExport(ExportSpec export) {
    this.export = export;
  }

  public FilesystemSpec getFilesystem() {
    return filesystem;
  }

  public void setFilesystem(FilesystemSpec filesystem) {
    this.filesystem = filesystem;
  }

  public List<VirtualIP> getVirtualIPs() {
    return virtualIPs;
  }

  public void setVirtualIPs(List<VirtualIP> virtualIPs) {
    this.virtualIPs = virtualIPs;
  }
}
