package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for. Rules that span fields are CEL rules here, so the API server rejects a
 * bad pair before any controller sees it; the operator re-checks what CEL cannot (node objects,
 * address parsing).
 */
@ValidationRule(
    value = "self.nodes[0].name != self.nodes[1].name",
    message = "spec.nodes: the two node names must differ",
    fieldPath = ".nodes")
@ValidationRule(
    value = "!has(self.preferredPrimary) || self.nodes.exists(n, n.name == self.preferredPrimary)",
    message = "spec.preferredPrimary must name one of spec.nodes",
    fieldPath = ".preferredPrimary")
@ValidationRule(
    value = "self.nodes[0].address != self.nodes[1].address",
    message = "spec.nodes: the two node addresses must differ",
    fieldPath = ".nodes")
@ValidationRule(
    value =
        "!has(self.mode) || self.mode != 'ActiveActive' || (has(self.serviceGroups)"
            + " && size(self.serviceGroups) == 2"
            + " && self.serviceGroups[0].preferredNode != self.serviceGroups[1].preferredNode)",
    message =
        "spec.serviceGroups: ActiveActive needs two service groups preferring different nodes",
    fieldPath = ".serviceGroups")
@ValidationRule(
    value =
        "!has(self.serviceGroups) || self.serviceGroups.all(g,"
            + " self.nodes.exists(n, n.name == g.preferredNode))",
    message = "spec.serviceGroups[].preferredNode must name one of spec.nodes",
    fieldPath = ".serviceGroups")
@ValidationRule(
    value =
        "(has(self.mode) && self.mode == 'ActiveActive') || (has(self.volume) &&"
            + " !has(self.serviceGroups))",
    message = "spec.volume is required in ActivePassive mode and spec.serviceGroups is not allowed",
    fieldPath = ".volume")
@ValidationRule(
    value =
        "!has(self.virtualIPs) || self.virtualIPs.all(v, !self.nodes.exists(n,"
            + " v.address.startsWith(n.address + '/')))",
    message = "spec.virtualIPs[].address must not be a node address",
    fieldPath = ".virtualIPs")
@ValidationRule(
    value =
        "!has(self.serviceGroups) || self.serviceGroups.all(g, !has(g.virtualIPs) ||"
            + " g.virtualIPs.all(v, !self.nodes.exists(n, v.address.startsWith(n.address +"
            + " '/'))))",
    message = "spec.serviceGroups[].virtualIPs[].address must not be a node address",
    fieldPath = ".serviceGroups")
@ValidationRule(
    value = "!has(self.filesystem) || !has(self.mode) || self.mode != 'ActiveActive'",
    message =
        "spec.filesystem is not allowed in ActiveActive mode: each spec.serviceGroups[] declares"
            + " its own",
    fieldPath = ".filesystem")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HAPairSpec {

  @Required
  @Size(min = 2, max = 2)
  @JsonPropertyDescription("The two nodes of the pair: exactly two entries.")
  private List<PairNode> nodes = new ArrayList<>();

  @JsonPropertyDescription(
      "The replicated volume (ActivePassive mode). In ActiveActive mode each service group has its"
          + " own.")
  private VolumeSpec volume;

  @JsonPropertyDescription("The NBD export through which clients use the volume on the primary.")
  private ExportSpec export;

  @JsonPropertyDescription(
      "A filesystem on the volume, mounted on the primary (ActivePassive mode; in ActiveActive"
          + " mode each service group declares its own).")
  private FilesystemSpec filesystem;

  @Size(max = 8)
  @JsonPropertyDescription(
      "Virtual IP addresses that follow the primary (ActivePassive mode). Announced with"
          + " gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6).")
  private List<VirtualIP> virtualIPs;

  @Default("ActivePassive")
  @JsonPropertyDescription(
      "ActivePassive: one service group (spec.volume, spec.virtualIPs). ActiveActive: two service"
          + " groups (spec.serviceGroups) that prefer different nodes and fail over on their own.")
  private Mode mode;

  @Size(max = 2)
  @JsonPropertyDescription(
      "ActiveActive mode only: exactly two service groups, each with its own volume, virtual IPs,"
          + " preferred node, witness record and epoch.")
  private List<ServiceGroup> serviceGroups;

  @JsonPropertyDescription(
      "The node that should be primary when both are healthy (ActivePassive). Must be one of"
          + " spec.nodes. With failback: Preferred, changing it performs a switchover.")
  private String preferredPrimary;

  @Default("Never")
  @JsonPropertyDescription(
      "Never: after a failover the survivor stays primary. Preferred: once the preferred node is"
          + " back and up to date, switch back to it.")
  private Failback failback;

  @JsonPropertyDescription("Failure detection and arbitration.")
  private FailoverSpec failover;

  @Default("Retain")
  @JsonPropertyDescription(
      "What deleting the HAPair does to the data. Retain (default): demote, release the virtual"
          + " IPs, keep disks and metadata. Delete: also wipe the hapair metadata (never the user's"
          + " data blocks).")
  private DeletionPolicy deletionPolicy;

  @Default("Manual")
  @JsonPropertyDescription(
      "What happens when the two disks have diverged. Manual (default): stop and report."
          + " DiscardYoungerPrimary / DiscardLeastChanges: resolve automatically, never discarding"
          + " the current primary's data, saving the discarded regions to a file named in an"
          + " Event.")
  private SplitBrainPolicy splitBrain;

  @JsonPropertyDescription("Commands run on role transitions, like keepalived's notify scripts.")
  private HooksSpec hooks;

  @Default("false")
  @JsonPropertyDescription(
      "true: no automatic failover. Fencing and leases stay armed; the status says so.")
  private Boolean maintenance;

  public List<PairNode> getNodes() {
    return nodes;
  }

  public void setNodes(List<PairNode> nodes) {
    this.nodes = nodes;
  }

  public VolumeSpec getVolume() {
    return volume;
  }

  public void setVolume(VolumeSpec volume) {
    this.volume = volume;
  }

  public FilesystemSpec getFilesystem() {
    return filesystem;
  }

  public void setFilesystem(FilesystemSpec filesystem) {
    this.filesystem = filesystem;
  }

  public ExportSpec getExport() {
    return export;
  }

  public void setExport(ExportSpec export) {
    this.export = export;
  }

  public List<VirtualIP> getVirtualIPs() {
    return virtualIPs;
  }

  public void setVirtualIPs(List<VirtualIP> virtualIPs) {
    this.virtualIPs = virtualIPs;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public List<ServiceGroup> getServiceGroups() {
    return serviceGroups;
  }

  public void setServiceGroups(List<ServiceGroup> serviceGroups) {
    this.serviceGroups = serviceGroups;
  }

  public String getPreferredPrimary() {
    return preferredPrimary;
  }

  public void setPreferredPrimary(String preferredPrimary) {
    this.preferredPrimary = preferredPrimary;
  }

  public Failback getFailback() {
    return failback;
  }

  public void setFailback(Failback failback) {
    this.failback = failback;
  }

  public FailoverSpec getFailover() {
    return failover;
  }

  public void setFailover(FailoverSpec failover) {
    this.failover = failover;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public SplitBrainPolicy getSplitBrain() {
    return splitBrain;
  }

  public void setSplitBrain(SplitBrainPolicy splitBrain) {
    this.splitBrain = splitBrain;
  }

  public HooksSpec getHooks() {
    return hooks;
  }

  public void setHooks(HooksSpec hooks) {
    this.hooks = hooks;
  }

  public Boolean getMaintenance() {
    return maintenance;
  }

  public void setMaintenance(Boolean maintenance) {
    this.maintenance = maintenance;
  }

  public enum Mode {
    ActivePassive,
    ActiveActive
  }

  public enum Failback {
    Never,
    Preferred
  }

  public enum DeletionPolicy {
    Retain,
    Delete
  }

  public enum SplitBrainPolicy {
    Manual,
    DiscardYoungerPrimary,
    DiscardLeastChanges
  }
}
