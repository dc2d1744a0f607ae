package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import io.hapair.operator.events.PairEvents;
import io.hapair.operator.resources.Switchover;
import io.hapair.operator.status.Conditions;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the agent DaemonSet (updateStrategy OnDelete) one node at a time: a node's agent pod is
 * deleted only when every pair on that node is Healthy and the node leads none of them; a node that
 * leads is first switched over to its peer. Secondaries therefore go first, and no pair ever has
 * both agents restarting, or its primary restarting while it could switch over instead.
 */
@ControllerConfiguration(name = "hapair-agent-upgrade")
public class AgentUpgrader implements Reconciler<DaemonSet> {
  private static final Logger log = LoggerFactory.getLogger(AgentUpgrader.class);
  static final Duration RECHECK = Duration.ofSeconds(5);

  /** The label the DaemonSet controller puts on each pod: the template generation it runs. */
  static final String TEMPLATE_GENERATION = "pod-template-generation";

  private final KubernetesClient client;
  private final PairEvents events;
  private final Clock clock;
  private InformerEventSource<Pod, DaemonSet> pods;

  /** The node whose agent pod was deleted last, until its new pod is ready. */
  private volatile String awaitingNode;

  private InformerEventSource<HAPair, DaemonSet> pairs;

  private final Set<String> pairNamespaces;

  /**
   * @param pairNamespaces where HAPairs are watched; empty means all namespaces
   */
  public AgentUpgrader(KubernetesClient client, Set<String> pairNamespaces, Clock clock) {
    this.client = client;
    this.pairNamespaces =
        pairNamespaces.isEmpty() ? Set.of(Constants.WATCH_ALL_NAMESPACES) : pairNamespaces;
    this.events = new PairEvents(client);
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, DaemonSet>> prepareEventSources(
      EventSourceContext<DaemonSet> context) {
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, DaemonSet.class)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DaemonSet.class, false))
                .build(),
            context);
    pairs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(HAPair.class, DaemonSet.class)
                .withNamespaces(pairNamespaces)
                .withSecondaryToPrimaryMapper(
                    pair ->
                        context
                            .getPrimaryCache()
                            .list()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(pods, pairs);
  }

  @Override
  public UpdateControl<DaemonSet> reconcile(DaemonSet agents, Context<DaemonSet> context) {
    String generation = String.valueOf(agents.getMetadata().getGeneration());
    List<Pod> owned =
        pods.list(agents.getMetadata().getNamespace(), p -> ownedBy(p, agents)).toList();
    List<Pod> outdated =
        owned.stream()
            .filter(p -> !generation.equals(label(p, TEMPLATE_GENERATION)))
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    if (outdated.isEmpty()) {
      return UpdateControl.noUpdate();
    }
    Optional<String> restarting =
        owned.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() != null || !ready(p))
            .map(p -> p.getSpec().getNodeName())
            .findFirst();
    String replaced = awaitingNode;
    if (replaced != null
        && owned.stream()
            .noneMatch(
                p ->
                    replaced.equals(p.getSpec().getNodeName())
                        && ready(p)
                        && generation.equals(label(p, TEMPLATE_GENERATION)))) {
      restarting = Optional.of(replaced); // its new pod is not there, or not ready, yet
    } else {
      awaitingNode = null;
    }
    if (restarting.isPresent()) {
      log.info(
          "agents: waiting for the agent on {} to be ready before the next upgrade step",
          restarting.get());
      return UpdateControl.<DaemonSet>noUpdate().rescheduleAfter(RECHECK);
    }
    List<HAPair> all = pairs.list().toList();
    // Nodes leading the fewest pairs first: secondaries restart before anything is switched.
    List<Pod> candidates =
        outdated.stream()
            .sorted(Comparator.comparingLong(p -> ledBy(all, p.getSpec().getNodeName()).size()))
            .toList();
    for (Pod pod : candidates) {
      String node = pod.getSpec().getNodeName();
      List<HAPair> onNode = all.stream().filter(p -> names(p, node)).toList();
      List<String> unhealthy =
          onNode.stream()
              .filter(
                  p ->
                      p.getStatus() == null
                          || p.getStatus().getPhase() != HAPairStatus.Phase.Healthy
                          // a rolled-back witness stops automation, upgrades included
                          || Conditions.TRUE.equals(
                              conditionStatus(p, ConditionType.WitnessRolledBack)))
              .map(AgentUpgrader::key)
              .toList();
      if (!unhealthy.isEmpty()) {
        log.info("agents: the agent on {} waits: pairs {} are not Healthy", node, unhealthy);
        continue;
      }
      List<HAPair> leading = ledBy(onNode, node);
      if (!leading.isEmpty()) {
        for (HAPair pair : leading) {
          askSwitchover(pair, node);
        }
        return UpdateControl.<DaemonSet>noUpdate().rescheduleAfter(RECHECK);
      }
      log.info(
          "agents: restarting the agent on {} for generation {} (pairs {} are Healthy, led by"
              + " their peers)",
          node,
          generation,
          onNode.stream().map(AgentUpgrader::key).toList());
      client.pods().resource(pod).delete();
      awaitingNode = node;
      for (HAPair pair : onNode) {
        events.record(
            pair,
            List.of(
                new PairEvents.Change(
                    "Normal",
                    "AgentUpgrade",
                    "the agent on " + node + " restarts with the new agent version")),
            clock.instant());
      }
      return UpdateControl.<DaemonSet>noUpdate().rescheduleAfter(RECHECK);
    }
    return UpdateControl.<DaemonSet>noUpdate().rescheduleAfter(RECHECK);
  }

  /** Asks the pair's agents to hand the groups {@code node} leads to its peer. */
  private void askSwitchover(HAPair pair, String node) {
    String peer =
        pair.getSpec().getNodes().stream()
            .map(PairNode::getName)
            .filter(n -> !n.equals(node))
            .findFirst()
            .orElseThrow();
    Map<String, String> annotations = pair.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(Switchover.ANNOTATION)) {
      return; // a switchover is already asked for
    }
    log.info(
        "agents: pair {}: switching over from {} to {} before upgrading {}",
        key(pair),
        node,
        peer,
        node);
    client
        .resources(HAPair.class)
        .inNamespace(pair.getMetadata().getNamespace())
        .withName(pair.getMetadata().getName())
        .edit(
            p -> {
              if (p.getMetadata().getAnnotations() == null) {
                p.getMetadata().setAnnotations(new HashMap<>());
              }
              p.getMetadata().getAnnotations().put(Switchover.ANNOTATION, peer);
              return p;
            });
  }

  private static List<HAPair> ledBy(List<HAPair> pairs, String node) {
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

  private static boolean ownedBy(Pod pod, DaemonSet agents) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Objects.equals(o.getUid(), agents.getMetadata().getUid()));
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

  private static String conditionStatus(HAPair pair, ConditionType type) {
    if (pair.getStatus().getConditions() == null) {
      return null;
    }
    Condition c = Conditions.find(pair.getStatus().getConditions(), type);
    return c == null ? null : c.getStatus();
  }

  private static String key(HAPair pair) {
    return pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName();
  }
}
