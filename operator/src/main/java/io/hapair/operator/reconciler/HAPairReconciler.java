package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.Node;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.operator.status.Conditions;
import io.hapair.operator.status.ValidationStatus;
import io.hapair.operator.validation.ClusterNode;
import io.hapair.operator.validation.PairValidator;
import io.hapair.operator.validation.SpecProblem;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a HAPair: validate the spec against the cluster, report it in the status. Later steps
 * (agents, witness Leases, Secrets) hang off this reconciler as dependents.
 */
@ControllerConfiguration(name = "hapair")
public class HAPairReconciler implements Reconciler<HAPair>, Cleaner<HAPair> {
  private static final Logger log = LoggerFactory.getLogger(HAPairReconciler.class);
  static final String NODE_INDEX = "hapair.io/nodes";

  private final Clock clock;
  private InformerEventSource<Node, HAPair> nodes;

  public HAPairReconciler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, HAPair>> prepareEventSources(EventSourceContext<HAPair> context) {
    context.getPrimaryCache().addIndexer(NODE_INDEX, HAPairReconciler::namedNodes);
    var config =
        InformerEventSourceConfiguration.from(Node.class, HAPair.class)
            .withSecondaryToPrimaryMapper(
                node ->
                    context
                        .getPrimaryCache()
                        .byIndex(NODE_INDEX, node.getMetadata().getName())
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            // Node status changes all the time; only a change of address matters here.
            .withOnUpdateFilter(
                (updated, old) ->
                    !Objects.equals(
                        ClusterNode.of(updated).addresses(), ClusterNode.of(old).addresses()))
            .build();
    nodes = new InformerEventSource<>(config, context);
    return List.of(nodes);
  }

  @Override
  public UpdateControl<HAPair> reconcile(HAPair pair, Context<HAPair> context) {
    List<ClusterNode> cluster = nodes.list().map(ClusterNode::of).toList();
    List<SpecProblem> problems =
        new PairValidator(cluster).validate(pair.getMetadata().getName(), pair.getSpec());
    HAPairStatus next = ValidationStatus.compute(pair, problems, clock.instant());
    if (ValidationStatus.unchanged(pair.getStatus(), next)) {
      return UpdateControl.noUpdate();
    }
    logValidity(pair, next);
    pair.setStatus(next);
    return UpdateControl.patchStatus(pair);
  }

  @Override
  public DeleteControl cleanup(HAPair pair, Context<HAPair> context) {
    HAPairSpec spec = pair.getSpec();
    log.info(
        "pair {}/{} deleted (deletionPolicy {}): nothing deployed yet, disks untouched",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        spec == null || spec.getDeletionPolicy() == null ? "Retain" : spec.getDeletionPolicy());
    return DeleteControl.defaultDelete();
  }

  private static void logValidity(HAPair pair, HAPairStatus next) {
    Condition valid = Conditions.find(next.getConditions(), Conditions.VALID);
    log.info(
        "pair {}/{} nodes {}: Valid={} ({})",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        namedNodes(pair),
        valid.getStatus(),
        valid.getMessage());
  }

  private static List<String> namedNodes(HAPair pair) {
    if (pair.getSpec() == null || pair.getSpec().getNodes() == null) {
      return List.of();
    }
    return pair.getSpec().getNodes().stream()
        .map(PairNode::getName)
        .filter(Objects::nonNull)
        .toList();
  }
}
