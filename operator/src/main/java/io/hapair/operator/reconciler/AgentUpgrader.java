package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.operator.events.PairEvents;
import io.hapair.operator.resources.Switchover;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the agent DaemonSet (updateStrategy OnDelete) one node at a time: a node's agent pod is
 * deleted only when every pair on that node is Healthy and the node leads none of them; a node that
 * leads is first switched over to its peer. Secondaries therefore go first, and no pair ever has
 * both agents restarting, or its primary restarting while it could switch over instead. The plan is
 * {@link UpgradePlan}'s, computed afresh from the observed state at each reconcile; this class only
 * carries out its steps (the pod deletes and the switchover requests).
 */
@ControllerConfiguration(name = "hapair-agent-upgrade")
public class AgentUpgrader implements Reconciler<DaemonSet> {
  private static final Logger log = LoggerFactory.getLogger(AgentUpgrader.class);
  static final Duration RECHECK = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final PairEvents events;
  private final Clock clock;
  private InformerEventSource<Pod, DaemonSet> pods;

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
    List<Pod> owned =
        pods.list(agents.getMetadata().getNamespace(), p -> ownedBy(p, agents)).toList();
    UpgradePlan.Step step = UpgradePlan.next(agents, owned, pairs.list().toList());
    if (step instanceof UpgradePlan.Done) {
      return UpdateControl.noUpdate();
    }
    if (step instanceof UpgradePlan.Wait wait) {
      log.info("agents: the next upgrade step waits: {}", wait.why());
    } else if (step instanceof UpgradePlan.SwitchOver switchOver) {
      switchOver.pairs().forEach(pair -> askSwitchover(pair, switchOver.node()));
    } else if (step instanceof UpgradePlan.Restart restart) {
      restart(restart, agents.getMetadata().getGeneration());
    }
    return UpdateControl.<DaemonSet>noUpdate().rescheduleAfter(RECHECK);
  }

  private void restart(UpgradePlan.Restart restart, Long generation) {
    log.info(
        "agents: restarting the agent on {} for generation {} (pairs {} are Healthy, led by"
            + " their peers)",
        restart.node(),
        generation,
        restart.pairs().stream().map(UpgradePlan::key).toList());
    client.pods().resource(restart.pod()).delete();
    for (HAPair pair : restart.pairs()) {
      events.record(
          pair,
          List.of(
              new PairEvents.Change(
                  "Normal",
                  "AgentUpgrade",
                  "the agent on " + restart.node() + " restarts with the new agent version")),
          clock.instant());
    }
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
        UpgradePlan.key(pair),
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

  private static boolean ownedBy(Pod pod, DaemonSet agents) {
    return pod.getMetadata().getOwnerReferences() != null
        && pod.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Objects.equals(o.getUid(), agents.getMetadata().getUid()));
  }
}
