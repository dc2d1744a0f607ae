package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import io.hapair.operator.status.Conditions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The next step of an agent upgrade, a pure function of what is observed now: the agent DaemonSet,
 * its pods and the pairs. Nothing is remembered between reconciles: a node whose agent was just
 * deleted shows as a terminating pod, then as a pod missing from the DaemonSet's count, then as a
 * pod not ready yet, and each of those waits.
 */
final class UpgradePlan {
  /** The label the DaemonSet controller puts on each pod: the template generation it runs. */
  static final String TEMPLATE_GENERATION = "pod-template-generation";

  private UpgradePlan() {}

  /** What the upgrader does next. */
  sealed interface Step {}

  /** Every agent runs the current template. */
  record Done() implements Step {}

  /** Nothing may move yet. */
  record Wait(String why) implements Step {}

  /** {@code node} leads {@code pairs}: hand them to the peer before its agent restarts. */
  record SwitchOver(String node, List<HAPair> pairs) implements Step {}

  /** Delete {@code pod}: every pair on its node is Healthy and led by the peer. */
  record Restart(Pod pod, String node, List<HAPair> pairs) implements Step {}

  /**
   * @param agents the agent DaemonSet (updateStrategy OnDelete)
   * @param owned the pods it owns
   * @param pairs every HAPair the operator watches
   */
  static Step next(DaemonSet agents, List<Pod> owned, List<HAPair> pairs) {
    String generation = String.valueOf(agents.getMetadata().getGeneration());
    List<Pod> outdated =
        owned.stream()
            .filter(p -> !generation.equals(label(p, TEMPLATE_GENERATION)))
            .filter(p -> !terminating(p))
            .toList();
    if (outdated.isEmpty()) {
      return new Done();
    }
    Optional<String> restarting =
        owned.stream().filter(p -> terminating(p) || !ready(p)).map(UpgradePlan::node).findFirst();
    if (restarting.isPresent()) {
      return new Wait("the agent on " + restarting.get() + " is restarting");
    }
    Integer scheduled =
        agents.getStatus() == null ? null : agents.getStatus().getDesiredNumberScheduled();
    if (scheduled == null || owned.size() < scheduled) {
      return new Wait(
          "the DaemonSet schedules "
              + (scheduled == null ? "an unknown number of" : scheduled)
              + " agents and "
              + owned.size()
              + " exist: one is being recreated");
    }
    // Nodes leading the fewest pairs first: secondaries restart before anything is switched.
    List<Pod> candidates =
        outdated.stream()
            .sorted(
                Comparator.comparingLong((Pod p) -> ledBy(pairs, node(p)).size())
                    .thenComparing(
                        UpgradePlan::node, Comparator.nullsLast(Comparator.naturalOrder())))
            .toList();
    for (Pod pod : candidates) {
      String node = node(pod);
      List<HAPair> onNode = pairs.stream().filter(p -> names(p, node)).toList();
      if (onNode.stream().anyMatch(p -> !readyToUpgrade(p))) {
        continue;
      }
      List<HAPair> leading = ledBy(onNode, node);
      if (!leading.isEmpty()) {
        return new SwitchOver(node, leading);
      }
      return new Restart(pod, node, onNode);
    }
    return new Wait(
        "pairs "
            + pairs.stream().filter(p -> !readyToUpgrade(p)).map(UpgradePlan::key).toList()
            + " are not Healthy");
  }

  /** Healthy, and its witness not rolled back (that stops automation, upgrades included). */
  static boolean readyToUpgrade(HAPair pair) {
    if (pair.getStatus() == null || pair.getStatus().getPhase() != HAPairStatus.Phase.Healthy) {
      return false;
    }
    Condition rolledBack =
        Conditions.find(pair.getStatus().getConditions(), ConditionType.WitnessRolledBack);
    return rolledBack == null || !Conditions.TRUE.equals(rolledBack.getStatus());
  }

  static List<HAPair> ledBy(List<HAPair> pairs, String node) {
    return pairs.stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getServiceGroups() != null
                    && p.getStatus().getServiceGroups().stream()
                        .map(ServiceGroupStatus::getPrimary)
                        .anyMatch(node::equals))
        .toList();
  }

  private static boolean names(HAPair pair, String node) {
    return pair.getSpec() != null
        && pair.getSpec().getNodes() != null
        && pair.getSpec().getNodes().stream().map(PairNode::getName).anyMatch(node::equals);
  }

  private static String node(Pod pod) {
    return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
  }

  private static boolean terminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String label(Pod pod, String key) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
  }

  static String key(HAPair pair) {
    return pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName();
  }
}
