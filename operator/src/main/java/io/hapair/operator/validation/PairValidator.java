package io.hapair.operator.validation;

import io.hapair.api.spec.Cidr;
import io.hapair.api.spec.Durations;
import io.hapair.api.spec.Filesystems;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.spec.IpAddresses;
import io.hapair.api.spec.PrivilegedFields;
import io.hapair.api.v1alpha1.ExportSpec;
import io.hapair.api.v1alpha1.FailoverSpec;
import io.hapair.api.v1alpha1.GarpSpec;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.VirtualIP;
import io.hapair.common.trust.InstallPolicy;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks what the CRD schema cannot (the nodes exist, addresses parse and differ, a virtual IP is
 * not some node's address), and re-checks what the code below relies on, since a CRD may have been
 * installed without its schema; refuses commands and disks the installation does not allow (a
 * HAPair is a namespace user's input). Pure: the cluster's nodes come in as data.
 */
public final class PairValidator {
  private final Map<String, ClusterNode> clusterNodes;
  private final InstallPolicy policy;

  public PairValidator(List<ClusterNode> clusterNodes, InstallPolicy policy) {
    this.policy = policy;
    this.clusterNodes = new HashMap<>();
    clusterNodes.forEach(n -> this.clusterNodes.put(n.name(), n));
  }

  public List<SpecProblem> validate(String pairName, HAPairSpec spec) {
    List<SpecProblem> problems = new ArrayList<>();
    if (spec == null) {
      problems.add(SpecProblem.of("spec", "Missing", "a HAPair needs a spec"));
      return problems;
    }
    List<InetAddress> nodeAddresses = checkNodes(spec.getNodes(), problems);
    Set<String> nodeNames = nodeNames(spec.getNodes());
    if (spec.getPreferredPrimary() != null && !nodeNames.contains(spec.getPreferredPrimary())) {
      problems.add(
          SpecProblem.of(
              "spec.preferredPrimary",
              "UnknownNode",
              "\"" + spec.getPreferredPrimary() + "\" is not one of spec.nodes"));
    }
    checkMode(spec, problems);
    checkGroups(GroupSpec.of(pairName, spec), nodeNames, nodeAddresses, problems);
    checkFailover(spec.getFailover(), problems);
    if (spec.getHooks() != null && spec.getHooks().getTimeout() != null) {
      checkDuration("spec.hooks.timeout", spec.getHooks().getTimeout(), problems);
    }
    checkPrivileged(pairName, spec, problems);
    return problems;
  }

  /** Commands and disks reach into the nodes: only what the installation allows. */
  private void checkPrivileged(String pairName, HAPairSpec spec, List<SpecProblem> problems) {
    if (!policy.allowCommands()) {
      PrivilegedFields.commands(spec)
          .keySet()
          .forEach(
              field ->
                  problems.add(
                      SpecProblem.of(
                          field,
                          "CommandsNotAllowed",
                          "this installation does not run commands from HAPairs (chart value"
                              + " trust.allowCommands)")));
    }
    PrivilegedFields.disks(pairName, spec)
        .forEach(
            (field, disk) ->
                policy
                    .allowedDisks()
                    .refusal(disk)
                    .ifPresent(
                        why ->
                            problems.add(
                                SpecProblem.of(
                                    field,
                                    "DiskNotAllowed",
                                    why + " (chart value trust.allowedDisks)"))));
  }

  private List<InetAddress> checkNodes(List<PairNode> nodes, List<SpecProblem> problems) {
    List<InetAddress> addresses = new ArrayList<>();
    if (nodes == null || nodes.size() != 2) {
      problems.add(
          SpecProblem.of(
              "spec.nodes",
              "WrongNodeCount",
              "exactly two nodes are needed, found " + (nodes == null ? 0 : nodes.size())));
      return addresses;
    }
    for (int i = 0; i < 2; i++) {
      PairNode node = nodes.get(i);
      String field = "spec.nodes[" + i + "]";
      if (node.getName() == null || node.getName().isBlank()) {
        problems.add(SpecProblem.of(field + ".name", "Missing", "a node name is required"));
      } else if (!clusterNodes.containsKey(node.getName())) {
        problems.add(
            SpecProblem.of(
                field + ".name",
                "NodeNotFound",
                "node \"" + node.getName() + "\" does not exist in the cluster"));
      }
      parse(field + ".address", node.getAddress(), IpAddresses::parse, problems)
          .ifPresent(addresses::add);
    }
    if (Objects.equals(nodes.get(0).getName(), nodes.get(1).getName())) {
      problems.add(
          SpecProblem.of("spec.nodes[1].name", "DuplicateNode", "the two nodes must differ"));
    }
    if (addresses.size() == 2) {
      if (addresses.get(0).equals(addresses.get(1))) {
        problems.add(
            SpecProblem.of(
                "spec.nodes[1].address",
                "DuplicateAddress",
                "both nodes have the address " + addresses.get(0).getHostAddress()));
      } else if (addresses.get(0).getClass() != addresses.get(1).getClass()) {
        problems.add(
            SpecProblem.of(
                "spec.nodes[1].address",
                "AddressFamilyMismatch",
                "the two replication addresses must both be IPv4 or both IPv6"));
      }
    }
    checkHeartbeatAddresses(nodes, problems);
    return addresses;
  }

  /** The UDP heartbeat path runs between heartbeatAddress (default: address) of each node. */
  private static void checkHeartbeatAddresses(List<PairNode> nodes, List<SpecProblem> problems) {
    if (nodes.get(0).getHeartbeatAddress() == null && nodes.get(1).getHeartbeatAddress() == null) {
      return; // the replication addresses, checked above
    }
    List<InetAddress> ends = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      PairNode node = nodes.get(i);
      String own = node.getHeartbeatAddress();
      if (own == null) {
        parse(
                "spec.nodes[" + i + "].address",
                node.getAddress(),
                IpAddresses::parse,
                new ArrayList<>())
            .ifPresent(ends::add);
      } else {
        parse("spec.nodes[" + i + "].heartbeatAddress", own, IpAddresses::parse, problems)
            .ifPresent(ends::add);
      }
    }
    if (ends.size() == 2 && ends.get(0).getClass() != ends.get(1).getClass()) {
      problems.add(
          SpecProblem.of(
              "spec.nodes[1].heartbeatAddress",
              "AddressFamilyMismatch",
              "the two heartbeat addresses (heartbeatAddress, else address) must both be IPv4 or"
                  + " both IPv6"));
    }
  }

  private static void checkMode(HAPairSpec spec, List<SpecProblem> problems) {
    boolean activeActive = spec.getMode() == HAPairSpec.Mode.ActiveActive;
    int groups = spec.getServiceGroups() == null ? 0 : spec.getServiceGroups().size();
    if (activeActive && groups != 2) {
      problems.add(
          SpecProblem.of(
              "spec.serviceGroups",
              "WrongGroupCount",
              "ActiveActive needs exactly two service groups, found " + groups));
    }
    if (!activeActive && groups > 0) {
      problems.add(
          SpecProblem.of(
              "spec.serviceGroups", "NotAllowed", "service groups need mode: ActiveActive"));
    }
    if (activeActive
        && groups == 2
        && Objects.equals(
            spec.getServiceGroups().get(0).getPreferredNode(),
            spec.getServiceGroups().get(1).getPreferredNode())) {
      problems.add(
          SpecProblem.of(
              "spec.serviceGroups[1].preferredNode",
              "SamePreferredNode",
              "the two service groups must prefer different nodes"));
    }
  }

  private void checkGroups(
      List<GroupSpec> groups,
      Set<String> nodeNames,
      List<InetAddress> nodeAddresses,
      List<SpecProblem> problems) {
    Set<String> groupNames = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    Set<InetAddress> vips = new HashSet<>();
    Map<Integer, String> vridGroups = new HashMap<>();
    for (GroupSpec group : groups) {
      if (!groupNames.add(group.name())) {
        problems.add(
            SpecProblem.of(
                group.fieldPath() + ".name",
                "DuplicateGroup",
                "two service groups are named \"" + group.name() + "\""));
      }
      if (group.preferredNode() != null
          && !group.fieldPath().equals("spec")
          && !nodeNames.contains(group.preferredNode())) {
        problems.add(
            SpecProblem.of(
                group.fieldPath() + ".preferredNode",
                "UnknownNode",
                "\"" + group.preferredNode() + "\" is not one of spec.nodes"));
      }
      checkVolume(group, nodeNames, ports, problems);
      checkExport(group.fieldPath() + ".export", group.export(), problems);
      checkFilesystem(group, problems);
      for (int j = 0; j < group.virtualIPs().size(); j++) {
        checkVrid(
            group.fieldPath() + ".virtualIPs[" + j + "].vrid",
            group.virtualIPs().get(j),
            group.name(),
            vridGroups,
            problems);
        checkVirtualIp(
            group.fieldPath() + ".virtualIPs[" + j + "]",
            group.virtualIPs().get(j),
            nodeAddresses,
            vips,
            problems);
      }
    }
  }

  /** A virtual MAC is one group's: two groups sharing it would both hold it on one LAN. */
  private static void checkVrid(
      String field,
      VirtualIP vip,
      String groupName,
      Map<Integer, String> vridGroups,
      List<SpecProblem> problems) {
    if (vip.getMac() != VirtualIP.MacMode.VMAC || vip.getVrid() == null) {
      return;
    }
    String owner = vridGroups.putIfAbsent(vip.getVrid(), groupName);
    if (owner != null && !owner.equals(groupName)) {
      problems.add(
          SpecProblem.of(
              field,
              "DuplicateVrid",
              "vrid " + vip.getVrid() + " is already the virtual MAC of group \"" + owner + "\""));
    }
  }

  private static void checkVolume(
      GroupSpec group, Set<String> nodeNames, Set<Integer> ports, List<SpecProblem> problems) {
    String field = group.fieldPath() + ".volume";
    if (group.volume() == null) {
      problems.add(SpecProblem.of(field, "Missing", "a volume is required"));
      return;
    }
    if (group.volume().getDisk() == null || group.volume().getDisk().isBlank()) {
      problems.add(SpecProblem.of(field + ".disk", "Missing", "a disk path is required"));
    }
    int port = group.volume().getPort() == null ? 7788 : group.volume().getPort();
    if (!ports.add(port)) {
      problems.add(
          SpecProblem.of(
              field + ".port", "PortInUse", "port " + port + " is used by another service group"));
    }
    String source = group.volume().getInitialSyncSource();
    if (source != null && !nodeNames.contains(source)) {
      problems.add(
          SpecProblem.of(
              field + ".initialSyncSource",
              "UnknownNode",
              "\"" + source + "\" is not one of spec.nodes"));
    }
  }

  /**
   * A filesystem is mounted by the standalone agent only for now: in Kubernetes mode the volume
   * reaches pods through the export until the CSI node plugin exists, so the field is refused
   * rather than silently ignored.
   */
  private static void checkFilesystem(GroupSpec group, List<SpecProblem> problems) {
    if (group.filesystem() == null) {
      return;
    }
    String field = group.fieldPath() + ".filesystem";
    Filesystems.check(field, group.filesystem())
        .forEach(p -> problems.add(SpecProblem.of(p.field(), p.reason(), p.detail())));
    problems.add(
        SpecProblem.of(
            field,
            "StandaloneOnly",
            "a filesystem is mounted by the standalone agent only; in Kubernetes mode use the"
                + " export until the CSI node plugin exists"));
  }

  private static void checkExport(String field, ExportSpec export, List<SpecProblem> problems) {
    if (export == null) {
      return;
    }
    if (export.getTls() == ExportSpec.Tls.Disabled
        && export.getBind() != ExportSpec.Bind.Loopback) {
      problems.add(
          SpecProblem.of(
              field + ".tls",
              "PlainExportOnNetwork",
              "tls may be Disabled only with bind: Loopback"));
    }
    List<String> clients =
        export.getAllowedClients() == null ? List.of() : export.getAllowedClients();
    for (int k = 0; k < clients.size(); k++) {
      parse(field + ".allowedClients[" + k + "]", clients.get(k), Cidr::parse, problems);
    }
  }

  private void checkVirtualIp(
      String field,
      VirtualIP vip,
      List<InetAddress> nodeAddresses,
      Set<InetAddress> seen,
      List<SpecProblem> problems) {
    parse(field + ".address", vip.getAddress(), Cidr::parse, problems)
        .ifPresent(
            cidr -> {
              InetAddress address = cidr.address();
              if (nodeAddresses.contains(address) || ownerOf(address) != null) {
                String owner = ownerOf(address);
                problems.add(
                    SpecProblem.of(
                        field + ".address",
                        "AddressInUse",
                        address.getHostAddress()
                            + " is already the address of "
                            + (owner == null ? "a pair node" : "node \"" + owner + "\"")));
              }
              if (!seen.add(address)) {
                problems.add(
                    SpecProblem.of(
                        field + ".address",
                        "DuplicateVirtualIP",
                        address.getHostAddress() + " is listed twice"));
              }
            });
    if (vip.getMac() == VirtualIP.MacMode.VMAC && vip.getVrid() == null) {
      problems.add(
          SpecProblem.of(
              field + ".vrid",
              "Missing",
              "mac: vmac needs a vrid (1-255), unique on the LAN segment"));
    }
    GarpSpec garp = vip.getGarp();
    if (garp != null) {
      if (garp.getInterval() != null) {
        checkDuration(field + ".garp.interval", garp.getInterval(), problems);
      }
      if (garp.getRefresh() != null) {
        checkDuration(field + ".garp.refresh", garp.getRefresh(), problems);
      }
    }
  }

  private String ownerOf(InetAddress address) {
    for (ClusterNode node : clusterNodes.values()) {
      for (String text : node.addresses()) {
        try {
          if (IpAddresses.parse(text).equals(address)) {
            return node.name();
          }
        } catch (IllegalArgumentException e) {
          // a Node address we cannot parse cannot clash with ours
        }
      }
    }
    return null;
  }

  private static void checkFailover(FailoverSpec failover, List<SpecProblem> problems) {
    if (failover != null && failover.getHeartbeatInterval() != null) {
      checkDuration("spec.failover.heartbeatInterval", failover.getHeartbeatInterval(), problems);
    }
  }

  private static void checkDuration(String field, String text, List<SpecProblem> problems) {
    parse(field, text, Durations::parse, problems);
  }

  private static <T> Optional<T> parse(
      String field, String text, Function<String, T> parser, List<SpecProblem> problems) {
    try {
      return Optional.of(parser.apply(text));
    } catch (IllegalArgumentException e) {
      problems.add(SpecProblem.of(field, "InvalidValue", e.getMessage()));
      return Optional.empty();
    }
  }

  private static Set<String> nodeNames(List<PairNode> nodes) {
    Set<String> names = new HashSet<>();
    if (nodes != null) {
      nodes.forEach(n -> names.add(n.getName()));
    }
    return names;
  }
}
