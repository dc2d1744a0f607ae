package io.hapair.operator.status;

import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.NodeRole;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One service group as its nodes' reports show it. Pure.
 *
 * @param name the group
 * @param primary the node whose Primary report has the highest epoch (an old primary's stale report
 *     loses), or null
 * @param epoch the highest epoch any node has seen; 0 while the group has never had a primary
 * @param splitBrain a node refuses the link because both changed data
 * @param connected both nodes report a replicating link at the group's epoch
 * @param outOfSyncBytes the most any node marks out of sync
 * @param lastTakeover the latest takeover a node reports, or null
 */
public record GroupView(
    String name,
    String primary,
    long epoch,
    boolean splitBrain,
    boolean connected,
    long outOfSyncBytes,
    FailoverRecord lastTakeover) {

  /** The group as the reports in {@code byNode} (node name to its report) show it. */
  public static GroupView of(String group, Map<String, HAPairNode> byNode) {
    List<Seen> seen = reportsOf(group, byNode);
    long epoch = seen.stream().mapToLong(s -> highestEpoch(s.report())).max().orElse(0);
    String primary =
        seen.stream()
            .filter(s -> s.report().getRole() == NodeRole.Primary)
            .max(Comparator.comparingLong(s -> orZero(s.report().getEpoch())))
            .map(Seen::node)
            .orElse(null);
    // Connected nodes share the epoch: a report behind it is stale (its agent is gone).
    boolean connected =
        seen.size() == 2
            && seen.stream()
                .allMatch(
                    s ->
                        s.report().getConnection() != null
                            && s.report().getConnection().replicating()
                            && s.report().getHighestEpoch() != null
                            && s.report().getHighestEpoch() == epoch);
    return new GroupView(
        group,
        primary,
        epoch,
        seen.stream().anyMatch(s -> Boolean.TRUE.equals(s.report().getSplitBrain())),
        connected,
        seen.stream().mapToLong(s -> orZero(s.report().getOutOfSyncBytes())).max().orElse(0),
        seen.stream()
            .map(s -> s.report().getLastTakeover())
            .filter(Objects::nonNull)
            .max(Comparator.comparing(FailoverRecord::getStartedAt))
            .orElse(null));
  }

  /** No node has led the group yet (or none has reported it). */
  public boolean neverLed() {
    return epoch == 0;
  }

  public boolean served() {
    return primary != null;
  }

  /** Both nodes replicate and a resync is running. */
  public boolean syncing() {
    return connected && outOfSyncBytes > 0;
  }

  /** Both nodes replicate and both disks are current. */
  public boolean inSync() {
    return connected && outOfSyncBytes == 0;
  }

  /** One group's report from one node. */
  private record Seen(String node, GroupReport report) {}

  private static List<Seen> reportsOf(String group, Map<String, HAPairNode> byNode) {
    List<Seen> seen = new ArrayList<>();
    byNode.forEach(
        (node, report) -> {
          if (report.getStatus() != null && report.getStatus().getGroups() != null) {
            report.getStatus().getGroups().stream()
                .filter(g -> group.equals(g.getName()))
                .forEach(g -> seen.add(new Seen(node, g)));
          }
        });
    return seen;
  }

  private static long highestEpoch(GroupReport report) {
    return orZero(report.getHighestEpoch());
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
