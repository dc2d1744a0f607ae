package io.hapair.operator.status;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Merges the agents' per-node reports into the HAPair's status: per group the primary and epoch,
 * per node its state, the phase, the conditions and the last failover. Pure: the same inputs give
 * the same status, so an unchanged pair causes no write; the inputs are never modified.
 */
public final class StatusAggregator {
  private StatusAggregator() {}

  /** {@code validated}: the status after validation; only a valid pair gets the rest. */
  public static HAPairStatus aggregate(
      HAPair pair, HAPairStatus validated, PairFacts facts, Instant now) {
    if (validated.getPhase() == Phase.Failed) {
      return validated;
    }
    Map<String, HAPairNode> byNode = new TreeMap<>();
    facts.reports().forEach(report -> byNode.put(report.getSpec().getNode(), report));
    List<String> groupNames =
        GroupSpec.of(pair.getMetadata().getName(), pair.getSpec()).stream()
            .map(GroupSpec::name)
            .toList();
    PairView view = PairView.of(groupNames, byNode);
    List<ServiceGroupStatus> groups = view.groups().stream().map(StatusAggregator::group).toList();

    HAPairStatus next = Serialization.clone(validated);
    next.setServiceGroups(groups);
    next.setNodes(NodeStatuses.of(pair.getSpec().getNodes(), byNode, facts.currentByGroup()));
    next.setLastFailover(latest(validated.getLastFailover(), view));
    next.setPrimary(primaryColumn(groups));
    next.setEpoch(groups.isEmpty() ? null : groups.get(0).getEpoch());
    next.setSync(PhaseRule.sync(view));
    next.setPhase(PhaseRule.of(view));
    long generation =
        validated.getObservedGeneration() == null ? 0 : validated.getObservedGeneration();
    List<Condition> conditions = next.getConditions();
    for (Condition condition :
        List.of(
            PairConditions.ready(view),
            PairConditions.replicating(view),
            PairConditions.degraded(view),
            PairConditions.splitBrain(view),
            PairConditions.witnessUnreachable(facts),
            PairConditions.witnessRolledBack(facts),
            PairConditions.witnessSharesFate(facts),
            PairConditions.maintenance(pair.getSpec()))) {
      conditions = Conditions.put(conditions, condition, generation, now);
    }
    next.setConditions(conditions);
    return next;
  }

  static ServiceGroupStatus group(GroupView view) {
    ServiceGroupStatus status = new ServiceGroupStatus();
    status.setName(view.name());
    status.setPrimary(view.primary());
    status.setEpoch(view.epoch());
    status.setPhase(PhaseRule.of(view));
    status.setLastFailover(view.lastTakeover());
    return status;
  }

  /** The latest of the recorded failover and the groups' takeovers. */
  static FailoverRecord latest(FailoverRecord recorded, PairView view) {
    FailoverRecord latest = recorded;
    for (FailoverRecord takeover :
        view.groups().stream().map(GroupView::lastTakeover).filter(Objects::nonNull).toList()) {
      if (latest == null || takeover.getStartedAt().compareTo(latest.getStartedAt()) > 0) {
        latest = takeover;
      }
    }
    return latest;
  }

  /** One group: its primary. Several: "group=node" pairs, for the printer column. */
  static String primaryColumn(List<ServiceGroupStatus> groups) {
    if (groups.size() == 1) {
      return groups.get(0).getPrimary();
    }
    return groups.stream()
        .map(g -> g.getName() + "=" + (g.getPrimary() == null ? "-" : g.getPrimary()))
        .collect(Collectors.joining(" "));
  }
}
