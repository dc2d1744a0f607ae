package io.hapair.operator.status;

import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import io.hapair.api.v1alpha1.NodeStatus;
import io.hapair.api.v1alpha1.PairNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The pair's per-node status: each node's groups summed up in one line. Pure. */
public final class NodeStatuses {
  private NodeStatuses() {}

  /**
   * @param byNode the reports by node name
   * @param currentByGroup per group, the nodes its witness record lists as current
   */
  public static List<NodeStatus> of(
      List<PairNode> nodes,
      Map<String, HAPairNode> byNode,
      Map<String, Set<String>> currentByGroup) {
    return nodes.stream()
        .map(n -> of(n.getName(), byNode.get(n.getName()), currentByGroup))
        .toList();
  }

  static NodeStatus of(String node, HAPairNode report, Map<String, Set<String>> currentByGroup) {
    NodeStatus status = new NodeStatus();
    status.setName(node);
    if (report == null || report.getStatus() == null) {
      status.setConnection(LinkState.Unknown);
      return status;
    }
    HAPairNodeStatus facts = report.getStatus();
    List<GroupReport> groups = facts.getGroups() == null ? List.of() : facts.getGroups();
    status.setRole(role(groups));
    status.setDiskState(diskState(node, groups, currentByGroup));
    status.setConnection(connection(groups));
    status.setOutOfSyncBytes(
        groups.stream()
            .mapToLong(g -> g.getOutOfSyncBytes() == null ? 0 : g.getOutOfSyncBytes())
            .sum());
    status.setLastHeartbeat(facts.getUpdated());
    status.setAgentVersion(facts.getAgentVersion());
    status.setError(facts.getError());
    return status;
  }

  /** Primary when it leads any group; absent when it reports none. */
  static NodeRole role(List<GroupReport> groups) {
    if (groups.isEmpty()) {
      return null;
    }
    return groups.stream().anyMatch(g -> g.getRole() == NodeRole.Primary)
        ? NodeRole.Primary
        : NodeRole.Secondary;
  }

  /**
   * The first group's disk that is not UpToDate; Outdated also when a witness record no longer
   * lists the node (its own view is UpToDate until it hears otherwise: the witness knows better).
   */
  static NodeDiskState diskState(
      String node, List<GroupReport> groups, Map<String, Set<String>> currentByGroup) {
    if (groups.isEmpty()) {
      return null;
    }
    NodeDiskState own =
        groups.stream()
            .map(GroupReport::getDiskState)
            .filter(Objects::nonNull)
            .filter(s -> s != NodeDiskState.UpToDate)
            .findFirst()
            .orElse(NodeDiskState.UpToDate);
    boolean outdatedAtWitness =
        currentByGroup.values().stream().anyMatch(listed -> !listed.contains(node));
    return own == NodeDiskState.UpToDate && outdatedAtWitness ? NodeDiskState.Outdated : own;
  }

  /** The first group's link that does not replicate, else Connected; Unknown with no groups. */
  static LinkState connection(List<GroupReport> groups) {
    if (groups.isEmpty()) {
      return LinkState.Unknown;
    }
    return groups.stream()
        .map(GroupReport::getConnection)
        .filter(c -> c == null || !c.replicating())
        .findFirst()
        .map(c -> c == null ? LinkState.Unknown : c)
        .orElse(LinkState.Connected);
  }
}
