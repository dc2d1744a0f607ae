package io.hapair.operator.status;

import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.NodeStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Merges the agents' per-node reports into the HAPair's status: per group the primary and epoch,
 * per node its state, the phase, the conditions and the last failover. Pure: the same inputs give
 * the same status, so an unchanged pair causes no write.
 */
public final class StatusAggregator {
  public static final String READY = "Ready";
  public static final String REPLICATING = "Replicating";
  public static final String DEGRADED = "Degraded";
  public static final String SPLIT_BRAIN = "SplitBrain";
  public static final String WITNESS_UNREACHABLE = "WitnessUnreachable";
  public static final String WITNESS_SHARES_FATE = "WitnessSharesFate";
  public static final String WITNESS_ROLLED_BACK = "WitnessRolledBack";
  public static final String MAINTENANCE = "Maintenance";

  private StatusAggregator() {}

  /** {@code validated}: the status after validation; only a valid pair gets the rest. */
  public static HAPairStatus aggregate(
      HAPair pair, HAPairStatus validated, PairFacts facts, Instant now) {
    if (validated.getPhase() == Phase.Failed) {
      return validated;
    }
    long generation =
        validated.getObservedGeneration() == null ? 0 : validated.getObservedGeneration();
    Map<String, HAPairNode> byNode = new TreeMap<>();
    for (HAPairNode report : facts.reports()) {
      byNode.put(report.getSpec().getNode(), report);
    }
    List<GroupSpec> groups = GroupSpec.of(pair.getMetadata().getName(), pair.getSpec());
    List<ServiceGroupStatus> groupStatuses = new ArrayList<>();
    boolean anySplitBrain = false;
    boolean allServed = true;
    boolean allReplicating = true;
    boolean anySyncing = false;
    long outOfSync = 0;
    FailoverRecord lastFailover = validated.getLastFailover();
    for (GroupSpec group : groups) {
      List<Seen> seenByNode = reportsOf(byNode, group.name());
      List<GroupReport> seen = seenByNode.stream().map(Seen::report).toList();
      Seen primary =
          seenByNode.stream()
              .filter(r -> "Primary".equals(r.report().getRole()))
              .max(
                  Comparator.comparingLong(
                      r -> r.report().getEpoch() == null ? 0 : r.report().getEpoch()))
              .orElse(null);
      boolean splitBrain = seen.stream().anyMatch(r -> Boolean.TRUE.equals(r.getSplitBrain()));
      long groupEpoch =
          seen.stream()
              .mapToLong(r -> r.getHighestEpoch() == null ? 0 : r.getHighestEpoch())
              .max()
              .orElse(0);
      // Connected nodes share the epoch: a report behind it is stale (its agent is gone).
      boolean connected =
          seen.size() == 2
              && seen.stream()
                  .allMatch(
                      r ->
                          isConnected(r.getConnection())
                              && r.getHighestEpoch() != null
                              && r.getHighestEpoch() == groupEpoch);
      long groupOutOfSync =
          seen.stream()
              .mapToLong(r -> r.getOutOfSyncBytes() == null ? 0 : r.getOutOfSyncBytes())
              .max()
              .orElse(0);
      boolean syncing = connected && groupOutOfSync > 0;
      anySplitBrain |= splitBrain;
      allServed &= primary != null;
      allReplicating &= connected && !syncing;
      anySyncing |= syncing;
      outOfSync += groupOutOfSync;
      ServiceGroupStatus status = new ServiceGroupStatus();
      status.setName(group.name());
      status.setPrimary(primary == null ? null : primary.node());
      status.setEpoch(
          seen.stream()
              .mapToLong(r -> r.getHighestEpoch() == null ? 0 : r.getHighestEpoch())
              .max()
              .orElse(0));
      boolean neverLed =
          seen.stream().allMatch(r -> r.getHighestEpoch() == null || r.getHighestEpoch() == 0);
      status.setPhase(
          splitBrain
              ? Phase.SplitBrain
              : seen.isEmpty() || neverLed
                  ? Phase.Pending
                  : syncing ? Phase.Syncing : connected ? Phase.Healthy : Phase.Degraded);
      FailoverRecord takeover =
          seen.stream()
              .map(GroupReport::getLastTakeover)
              .filter(Objects::nonNull)
              .max(Comparator.comparing(FailoverRecord::getStartedAt))
              .orElse(null);
      status.setLastFailover(takeover);
      if (takeover != null
          && (lastFailover == null
              || takeover.getStartedAt().compareTo(lastFailover.getStartedAt()) > 0)) {
        lastFailover = takeover;
      }
      groupStatuses.add(status);
    }

    HAPairStatus next = validated;
    next.setServiceGroups(groupStatuses);
    next.setNodes(nodeStatuses(pair, byNode, facts.currentByGroup()));
    next.setLastFailover(lastFailover);
    next.setPrimary(primaryColumn(groupStatuses));
    next.setEpoch(groupStatuses.isEmpty() ? null : groupStatuses.get(0).getEpoch());
    next.setSync(
        byNode.isEmpty()
            ? "Unknown"
            : allReplicating ? "InSync" : anySyncing ? "Syncing" : "Disconnected");
    next.setPhase(
        byNode.isEmpty() || groupStatuses.stream().allMatch(g -> g.getPhase() == Phase.Pending)
            ? Phase.Pending
            : anySplitBrain
                ? Phase.SplitBrain
                : anySyncing
                    ? Phase.Syncing
                    : allReplicating && allServed ? Phase.Healthy : Phase.Degraded);

    List<Condition> conditions = next.getConditions();
    conditions =
        Conditions.put(
            conditions,
            allServed
                ? new Condition(
                    READY, Conditions.TRUE, "PrimaryServing", "Every group has a primary.")
                : new Condition(
                    READY,
                    Conditions.FALSE,
                    byNode.isEmpty() ? "NoAgentReport" : "NoPrimary",
                    byNode.isEmpty()
                        ? "No agent has reported yet."
                        : "No primary for group(s) "
                            + groupStatuses.stream()
                                .filter(g -> g.getPrimary() == null)
                                .map(ServiceGroupStatus::getName)
                                .collect(Collectors.joining(", "))
                            + "."),
            generation,
            now);
    conditions =
        Conditions.put(
            conditions,
            allReplicating
                ? new Condition(REPLICATING, Conditions.TRUE, "InSync", "Both disks are current.")
                : new Condition(
                    REPLICATING,
                    Conditions.FALSE,
                    anySyncing ? "Resyncing" : "Disconnected",
                    anySyncing
                        ? outOfSync + " bytes out of sync, resync running."
                        : "A replication link is down."),
            generation,
            now);
    boolean degraded = !byNode.isEmpty() && !allReplicating && !anySyncing;
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                DEGRADED,
                degraded ? Conditions.TRUE : Conditions.FALSE,
                degraded ? "PeerUnavailable" : "BothNodes",
                degraded
                    ? "A group runs on one node: its peer is outdated or gone."
                    : "No group runs on one node."),
            generation,
            now);
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                SPLIT_BRAIN,
                anySplitBrain ? Conditions.TRUE : Conditions.FALSE,
                anySplitBrain ? "DataDiverged" : "NoDivergence",
                anySplitBrain
                    ? "Both nodes changed data separately; choose the survivor (runbook: split brain)."
                    : "No divergence detected."),
            generation,
            now);
    boolean witnessBad = !facts.witnessProblems().isEmpty();
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                WITNESS_UNREACHABLE,
                witnessBad ? Conditions.TRUE : Conditions.FALSE,
                witnessBad ? "WitnessRecordUnusable" : "WitnessRecordPresent",
                witnessBad
                    ? String.join("; ", facts.witnessProblems())
                    : "Every group has its witness Lease."),
            generation,
            now);
    boolean rolledBack = !facts.witnessRollbacks().isEmpty();
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                WITNESS_ROLLED_BACK,
                rolledBack ? Conditions.TRUE : Conditions.FALSE,
                rolledBack ? "LeaseOlderThanRecorded" : "NoRollback",
                rolledBack
                    ? String.join("; ", facts.witnessRollbacks())
                    : "No witness Lease is older than an epoch already recorded."),
            generation,
            now);
    boolean sharesFate = !facts.witnessSharingFate().isEmpty();
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                WITNESS_SHARES_FATE,
                sharesFate ? Conditions.TRUE : Conditions.FALSE,
                sharesFate ? "ApiServerOnPairNode" : "ApiServerElsewhere",
                sharesFate
                    ? "The API server (the witness) runs on "
                        + String.join(", ", facts.witnessSharingFate())
                        + ": if that node fails, its peer cannot take over."
                    : "The API server runs on neither pair node."),
            generation,
            now);
    boolean maintenance = Boolean.TRUE.equals(pair.getSpec().getMaintenance());
    conditions =
        Conditions.put(
            conditions,
            new Condition(
                MAINTENANCE,
                maintenance ? Conditions.TRUE : Conditions.FALSE,
                maintenance ? "AutomaticFailoverOff" : "AutomaticFailoverOn",
                maintenance
                    ? "spec.maintenance: no automatic failover; fencing and leases stay armed."
                    : "Automatic failover is on."),
            generation,
            now);
    next.setConditions(conditions);
    return next;
  }

  private static boolean isConnected(String connection) {
    return "Connected".equals(connection)
        || "SyncSource".equals(connection)
        || "SyncTarget".equals(connection);
  }

  /** One group's report from one node. */
  private record Seen(String node, GroupReport report) {}

  private static List<Seen> reportsOf(Map<String, HAPairNode> byNode, String group) {
    List<Seen> seen = new ArrayList<>();
    for (Map.Entry<String, HAPairNode> e : byNode.entrySet()) {
      HAPairNode report = e.getValue();
      if (report.getStatus() == null || report.getStatus().getGroups() == null) {
        continue;
      }
      report.getStatus().getGroups().stream()
          .filter(g -> group.equals(g.getName()))
          .forEach(g -> seen.add(new Seen(e.getKey(), g)));
    }
    return seen;
  }

  /** One group: its primary. Several: "group=node" pairs, for the printer column. */
  private static String primaryColumn(List<ServiceGroupStatus> groups) {
    if (groups.size() == 1) {
      return groups.get(0).getPrimary();
    }
    return groups.stream()
        .map(g -> g.getName() + "=" + (g.getPrimary() == null ? "-" : g.getPrimary()))
        .collect(Collectors.joining(" "));
  }

  private static List<NodeStatus> nodeStatuses(
      HAPair pair, Map<String, HAPairNode> byNode, Map<String, Set<String>> current) {
    List<NodeStatus> nodes = new ArrayList<>();
    for (PairNode node : pair.getSpec().getNodes()) {
      NodeStatus status = new NodeStatus();
      status.setName(node.getName());
      HAPairNode report = byNode.get(node.getName());
      if (report == null || report.getStatus() == null) {
        status.setConnection("Unknown");
        nodes.add(status);
        continue;
      }
      List<GroupReport> groups = report.getStatus().getGroups();
      status.setRole(
          groups.isEmpty()
              ? null
              : groups.stream().anyMatch(g -> "Primary".equals(g.getRole()))
                  ? "Primary"
                  : "Secondary");
      status.setDiskState(
          groups.stream()
              .map(GroupReport::getDiskState)
              .filter(Objects::nonNull)
              .filter(s -> !"UpToDate".equals(s))
              .findFirst()
              .orElse(groups.isEmpty() ? null : "UpToDate"));
      status.setConnection(
          groups.stream()
              .map(GroupReport::getConnection)
              .filter(c -> !isConnected(c))
              .findFirst()
              .orElse(groups.isEmpty() ? "Unknown" : "Connected"));
      status.setOutOfSyncBytes(
          groups.stream()
              .mapToLong(g -> g.getOutOfSyncBytes() == null ? 0 : g.getOutOfSyncBytes())
              .sum());
      // A node's own view is UpToDate until it hears otherwise; the witness knows better.
      boolean outdatedAtWitness =
          current.values().stream().anyMatch(listed -> !listed.contains(node.getName()));
      if (outdatedAtWitness && "UpToDate".equals(status.getDiskState())) {
        status.setDiskState("Outdated");
      }
      status.setLastHeartbeat(report.getStatus().getUpdated());
      status.setAgentVersion(report.getStatus().getAgentVersion());
      if (report.getStatus().getError() != null) {
        status.setConnection("Error: " + report.getStatus().getError());
      }
      nodes.add(status);
    }
    return nodes;
  }
}
