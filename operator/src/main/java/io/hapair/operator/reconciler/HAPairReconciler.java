package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.events.PairEvents;
import io.hapair.operator.resources.AgentNodes;
import io.hapair.operator.resources.ApiServerPlacement;
import io.hapair.operator.resources.CertManagerCertificate;
import io.hapair.operator.resources.CertificateSource;
import io.hapair.operator.resources.EpochHighWater;
import io.hapair.operator.resources.ForcePromotion;
import io.hapair.operator.resources.MetadataPatch;
import io.hapair.operator.resources.PairNames;
import io.hapair.operator.resources.PairNodeLabels;
import io.hapair.operator.resources.PairSecret;
import io.hapair.operator.resources.Switchover;
import io.hapair.operator.resources.WitnessLeases;
import io.hapair.operator.resources.WorkloadPinning;
import io.hapair.operator.status.Conditions;
import io.hapair.operator.status.PairFacts;
import io.hapair.operator.status.StatusAggregator;
import io.hapair.operator.status.ValidationStatus;
import io.hapair.operator.validation.ClusterNode;
import io.hapair.operator.validation.PairValidator;
import io.hapair.operator.validation.SpecProblem;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
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
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a HAPair: validates the spec against the cluster; for a valid pair makes what its
 * agents need (the Secret, one witness Lease per group, the agent label on its Nodes); merges the
 * agents' per-node reports into the status and records Events for what changed. Never in the
 * failover path: the agents decide roles at the witness, the operator only reports them.
 */
@ControllerConfiguration(name = "hapair")
public class HAPairReconciler implements Reconciler<HAPair>, Cleaner<HAPair> {
  private static final Logger log = LoggerFactory.getLogger(HAPairReconciler.class);
  static final String NODE_INDEX = "hapair.io/nodes";

  /** With cert-manager: whether the pair's NBD certificate has been issued. */
  public static final String CERTIFICATES = "Certificates";

  public static final String WAITING_FOR_CERT_MANAGER = "WaitingForCertManager";

  /** How long a deleted pair waits for its agents to stop it before the rest is removed. */
  static final Duration AGENT_STOP_GRACE = Duration.ofMinutes(2);

  private final Clock clock;
  private final String installNamespace;
  private final InstallPolicy policy;
  private final PairSecret secrets;

  /** The pairs' cert-manager Certificates, or null with the built-in CAs. */
  private final CertManagerCertificate certManager;

  private final WitnessLeases leases;
  private final AgentNodes agentNodes;
  private final PairEvents events;
  private final WorkloadPinning pinning;
  private final PairNodeLabels pairNodeLabels;
  private final KubernetesClient client;
  private InformerEventSource<Node, HAPair> nodes;
  private InformerEventSource<HAPairNode, HAPair> reports;
  private InformerEventSource<Lease, HAPair> witnessLeases;
  private InformerEventSource<Secret, HAPair> pairSecrets;
  private InformerEventSource<EndpointSlice, HAPair> apiServer;

  public HAPairReconciler(
      Clock clock, KubernetesClient client, String installNamespace, InstallPolicy policy) {
    this(clock, client, installNamespace, policy, CertificateSource.builtin());
  }

  public HAPairReconciler(
      Clock clock,
      KubernetesClient client,
      String installNamespace,
      InstallPolicy policy,
      CertificateSource certificates) {
    this.clock = clock;
    this.policy = policy;
    this.client = client;
    this.installNamespace = installNamespace;
    this.secrets = new PairSecret(clock, client, installNamespace, certificates);
    this.certManager =
        certificates.certManager()
            ? new CertManagerCertificate(client, installNamespace, certificates)
            : null;
    this.leases = new WitnessLeases(client, installNamespace);
    this.agentNodes = new AgentNodes(client);
    this.events = new PairEvents(client);
    this.pinning = new WorkloadPinning(client);
    this.pairNodeLabels = new PairNodeLabels(client);
  }

  @Override
  public List<EventSource<?, HAPair>> prepareEventSources(EventSourceContext<HAPair> context) {
    context.getPrimaryCache().addIndexer(NODE_INDEX, HAPairReconciler::namedNodes);
    var nodeConfig =
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
    nodes = new InformerEventSource<>(nodeConfig, context);
    var reportConfig =
        InformerEventSourceConfiguration.from(HAPairNode.class, HAPair.class)
            .withNamespaces(Set.of(installNamespace))
            .withSecondaryToPrimaryMapper(
                report ->
                    report.getSpec() == null
                        ? Set.of()
                        : Set.of(
                            new ResourceID(
                                report.getSpec().getPairName(),
                                report.getSpec().getPairNamespace())))
            .build();
    reports = new InformerEventSource<>(reportConfig, context);
    // A witness Lease that changes or disappears is reported at once.
    var leaseConfig =
        InformerEventSourceConfiguration.from(Lease.class, HAPair.class)
            .withNamespaces(Set.of(installNamespace))
            .withLabelSelector(WitnessLease.PAIR_LABEL)
            .withSecondaryToPrimaryMapper(HAPairReconciler::pairOfLabelled)
            .build();
    witnessLeases = new InformerEventSource<>(leaseConfig, context);
    var secretConfig =
        InformerEventSourceConfiguration.from(Secret.class, HAPair.class)
            .withNamespaces(Set.of(installNamespace))
            .withLabelSelector(PairNames.PAIR_LABEL)
            .withSecondaryToPrimaryMapper(HAPairReconciler::pairOfLabelled)
            .build();
    pairSecrets = new InformerEventSource<>(secretConfig, context);
    // Where the API server runs; any change re-evaluates every pair's WitnessSharesFate.
    var apiConfig =
        InformerEventSourceConfiguration.from(EndpointSlice.class, HAPair.class)
            .withNamespaces(Set.of(ApiServerPlacement.NAMESPACE))
            .withFieldSelector(
                new FieldSelector(
                    new FieldSelector.Field("metadata.name", ApiServerPlacement.NAME)))
            .withSecondaryToPrimaryMapper(
                e ->
                    context
                        .getPrimaryCache()
                        .list()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    apiServer = new InformerEventSource<>(apiConfig, context);
    return List.of(nodes, reports, witnessLeases, pairSecrets, apiServer);
  }

  @Override
  public UpdateControl<HAPair> reconcile(HAPair pair, Context<HAPair> context) {
    List<ClusterNode> cluster = nodes.list().map(ClusterNode::of).toList();
    List<SpecProblem> problems =
        new ArrayList<>(
            new PairValidator(cluster, policy)
                .validate(pair.getMetadata().getName(), pair.getSpec()));
    String nameTaken = secrets.conflict(pair, name -> cached(pairSecrets, name));
    if (nameTaken != null) {
      problems.add(SpecProblem.of("metadata.name", "NameTaken", nameTaken));
    }
    Instant now = clock.instant();
    HAPairStatus validated = ValidationStatus.compute(pair, problems, now);
    PairFacts facts = PairFacts.none();
    List<String> rollbacks = List.of();
    boolean switchoverPending = false;
    Optional<Duration> renewal = Optional.empty();
    String certificateWait = null;
    if (problems.isEmpty()) {
      secrets.ensure(pair, name -> cached(pairSecrets, name));
      renewal = secrets.renew(pair, name -> cached(pairSecrets, name));
      if (certManager != null) {
        certificateWait = certManager.ensure(pair, name -> cached(pairSecrets, name));
      }
      List<HAPairNode> reported = reportsOf(pair);
      Map<String, Long> knownEpochs =
          EpochHighWater.withReports(EpochHighWater.recorded(pair), reported);
      List<String> witnessProblems =
          leases.ensure(pair, name -> cached(witnessLeases, name), knownEpochs);
      Map<String, Long> leaseEpochs = leaseEpochs(pair);
      rollbacks = EpochHighWater.rollbacks(knownEpochs, leaseEpochs);
      if (!rollbacks.isEmpty()) {
        // The report informer can be ahead of the Lease informer: confirm with a live read.
        leaseEpochs = liveLeaseEpochs(pair);
        rollbacks = EpochHighWater.rollbacks(knownEpochs, leaseEpochs);
      }
      recordHighWater(pair, knownEpochs, leaseEpochs);
      agentNodes.label(pair, nodes.list().toList());
      pairNodeLabels.apply(pair);
      facts =
          new PairFacts(
              reported,
              witnessProblems,
              ApiServerPlacement.pairNodesServingTheApi(pair, cluster, apiServer.list().toList()),
              currentByGroup(pair),
              rollbacks);
    }
    HAPairStatus next = StatusAggregator.aggregate(pair, validated, facts, now);
    if (certManager != null && problems.isEmpty()) {
      next.setConditions(
          Conditions.put(
              next.getConditions(),
              certificateWait == null
                  ? new Condition(
                      CERTIFICATES,
                      Conditions.TRUE,
                      "Issued",
                      "cert-manager issued the NBD certificate (Secret "
                          + installNamespace
                          + "/"
                          + PairObjects.tlsSecretName(
                              pair.getMetadata().getNamespace(), pair.getMetadata().getName())
                          + ")")
                  : new Condition(
                      CERTIFICATES, Conditions.FALSE, WAITING_FOR_CERT_MANAGER, certificateWait),
              next.getObservedGeneration() == null ? 0 : next.getObservedGeneration(),
              now));
    }
    List<PairEvents.Change> changes = new ArrayList<>();
    // A rolled-back witness stops the operator's own automation too (evictions after takeovers).
    if (problems.isEmpty() && rollbacks.isEmpty()) {
      for (String evicted :
          pinning.follow(
              pair,
              next.getServiceGroups(),
              name -> nodes.get(new ResourceID(name)).orElse(null))) {
        changes.add(
            new PairEvents.Change(
                "Normal", "Evicted", evicted + " evicted from the old primary to follow its data"));
      }
    }
    if (problems.isEmpty()) {
      // A person's request is answered once, and its annotation removed with the answer.
      Optional<PairEvents.Change> switched = Switchover.judge(pair, next, now);
      switched.ifPresent(event -> answer(pair, Switchover.ANNOTATION, event, changes));
      if (switched.isEmpty()) {
        switchoverPending = stampSwitchover(pair, now);
      }
      Optional<PairEvents.Change> forced =
          ForcePromotion.judge(pair, next, facts.reports(), leaseRecords(pair));
      forced.ifPresent(event -> answer(pair, ForcePromotion.ANNOTATION, event, changes));
      // A durable record, not only an Event that expires: the condition stays until replaced.
      forced
          .filter(event -> ForcePromotion.PROMOTED.equals(event.reason()))
          .ifPresent(
              event ->
                  next.setConditions(
                      Conditions.put(
                          next.getConditions(),
                          new Condition(
                              ConditionType.ForcedPromotion,
                              Conditions.TRUE,
                              ForcePromotion.PROMOTED,
                              event.message()),
                          next.getObservedGeneration() == null ? 0 : next.getObservedGeneration(),
                          now)));
    }
    if (ValidationStatus.unchanged(pair.getStatus(), next)) {
      events.record(pair, changes, now);
      return rescheduled(UpdateControl.noUpdate(), switchoverPending, renewal);
    }
    logValidity(pair, next);
    changes.addAll(0, PairEvents.between(pair.getStatus(), next));
    events.record(pair, changes, now);
    pair.setStatus(next);
    return rescheduled(UpdateControl.patchStatus(pair), switchoverPending, renewal);
  }

  /**
   * The next reconcile without an event: when a stamped switchover expires, or when the pair's
   * certificates are due for renewal, whichever is first.
   */
  private static UpdateControl<HAPair> rescheduled(
      UpdateControl<HAPair> control, boolean switchoverPending, Optional<Duration> renewal) {
    Optional<Duration> after =
        Stream.concat(
                switchoverPending ? Stream.of(Switchover.DEADLINE) : Stream.empty(),
                // A second past due, so the clock has surely reached it.
                renewal.map(d -> d.plusSeconds(1)).stream())
            .min(Duration::compareTo);
    return after.map(control::rescheduleAfter).orElse(control);
  }

  /**
   * Which updates of a HAPair need a reconcile: a new generation (the spec), finalizers, deletion,
   * a change of the switchover and force-promote annotations (which do not move the generation), or
   * of the labels and annotation the operator owns (restored when someone removes them). Status
   * writes, the operator's own included, do not.
   */
  public static boolean worthReconciling(HAPair updated, HAPair old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(updated.getMetadata().getFinalizers(), old.getMetadata().getFinalizers())
        || !Objects.equals(
            updated.getMetadata().getDeletionTimestamp(), old.getMetadata().getDeletionTimestamp())
        || !Objects.equals(
            annotation(updated, Switchover.ANNOTATION), annotation(old, Switchover.ANNOTATION))
        || !Objects.equals(
            annotation(updated, ForcePromotion.ANNOTATION),
            annotation(old, ForcePromotion.ANNOTATION))
        // What the operator owns in the metadata, lost to a kubectl replace or a GitOps sync.
        || !Objects.equals(nodeLabels(updated), nodeLabels(old))
        || !Objects.equals(
            annotation(updated, EpochHighWater.ANNOTATION),
            annotation(old, EpochHighWater.ANNOTATION));
  }

  private static Map<String, String> nodeLabels(HAPair pair) {
    Map<String, String> labels = new TreeMap<>();
    if (pair.getMetadata().getLabels() != null) {
      pair.getMetadata()
          .getLabels()
          .forEach(
              (k, v) -> {
                if (k.startsWith(NodeLabels.PREFIX)) {
                  labels.put(k, v);
                }
              });
    }
    return labels;
  }

  private static String annotation(HAPair pair, String key) {
    return pair.getMetadata().getAnnotations() == null
        ? null
        : pair.getMetadata().getAnnotations().get(key);
  }

  /**
   * The pair a Lease or Secret belongs to: from its annotations naming the pair, or, for objects
   * made before those existed, from its label {@code <namespace>.<name>}.
   */
  private static Set<ResourceID> pairOfLabelled(HasMetadata o) {
    Map<String, String> a = o.getMetadata().getAnnotations();
    if (a != null
        && a.containsKey(PairObjects.PAIR_NAMESPACE)
        && a.containsKey(PairObjects.PAIR_NAME)) {
      return Set.of(
          new ResourceID(a.get(PairObjects.PAIR_NAME), a.get(PairObjects.PAIR_NAMESPACE)));
    }
    String pair =
        o.getMetadata().getLabels() == null
            ? null
            : o.getMetadata().getLabels().get(WitnessLease.PAIR_LABEL);
    int dot = pair == null ? -1 : pair.indexOf('.');
    return dot < 0
        ? Set.of()
        : Set.of(new ResourceID(pair.substring(dot + 1), pair.substring(0, dot)));
  }

  private <T extends HasMetadata> T cached(InformerEventSource<T, HAPair> source, String name) {
    return source.get(new ResourceID(name, installNamespace)).orElse(null);
  }

  /** Per group, the nodes its witness Lease lists as current (from the informer's cache). */
  private Map<String, Set<String>> currentByGroup(HAPair pair) {
    Map<String, Set<String>> current = new TreeMap<>();
    leaseRecords(pair).forEach((group, record) -> current.put(group, record.upToDate()));
    return current;
  }

  /** Per group, the epoch its witness Lease holds (from the informer's cache). */
  private Map<String, Long> leaseEpochs(HAPair pair) {
    return epochsOf(leaseRecords(pair));
  }

  /** Per group, the epoch its witness Lease holds, read from the API server (not a cache). */
  private Map<String, Long> liveLeaseEpochs(HAPair pair) {
    return epochsOf(
        leaseRecords(
            pair, name -> client.leases().inNamespace(installNamespace).withName(name).get()));
  }

  private static Map<String, Long> epochsOf(Map<String, WitnessLease.Fields> records) {
    Map<String, Long> epochs = new TreeMap<>();
    records.forEach((group, record) -> epochs.put(group, record.epoch()));
    return epochs;
  }

  /** Per group, the witness record its Lease holds (from the informer's cache). */
  private Map<String, WitnessLease.Fields> leaseRecords(HAPair pair) {
    return leaseRecords(pair, name -> cached(witnessLeases, name));
  }

  /** Per group, the witness record its Lease holds, each Lease found through {@code lookup}. */
  private static Map<String, WitnessLease.Fields> leaseRecords(
      HAPair pair, Function<String, Lease> lookup) {
    Map<String, WitnessLease.Fields> records = new TreeMap<>();
    for (GroupSpec group : GroupSpec.of(pair.getMetadata().getName(), pair.getSpec())) {
      Lease lease =
          lookup.apply(
              WitnessLease.resolve(
                  lookup,
                  pair.getMetadata().getNamespace(),
                  pair.getMetadata().getName(),
                  pair.getMetadata().getUid(),
                  group.name()));
      if (lease != null) {
        try {
          records.put(group.name(), WitnessLease.read(lease));
        } catch (IllegalArgumentException e) {
          // not a witness record: reported by the Lease check
        }
      }
    }
    return records;
  }

  /** Raises the pair's recorded epochs to what the reports and Leases show; never lowers them. */
  private void recordHighWater(
      HAPair pair, Map<String, Long> known, Map<String, Long> leaseEpochs) {
    Map<String, Long> raised = new TreeMap<>(known);
    leaseEpochs.forEach((group, epoch) -> raised.merge(group, epoch, Math::max));
    raised.values().removeIf(epoch -> epoch <= 0);
    if (raised.equals(EpochHighWater.recorded(pair))) {
      return;
    }
    client
        .resources(HAPair.class)
        .inNamespace(pair.getMetadata().getNamespace())
        .withName(pair.getMetadata().getName())
        .patch(
            MetadataPatch.MERGE,
            MetadataPatch.of(
                "annotations", Map.of(EpochHighWater.ANNOTATION, EpochHighWater.format(raised))));
  }

  /**
   * Stamps a pending switchover request with when the operator first saw it, so it expires after
   * {@link Switchover#DEADLINE}; returns whether one is pending.
   */
  private boolean stampSwitchover(HAPair pair, Instant now) {
    Map<String, String> a = pair.getMetadata().getAnnotations();
    if (a == null || !a.containsKey(Switchover.ANNOTATION)) {
      return false;
    }
    if (Switchover.seenAt(pair) == null) {
      client
          .resources(HAPair.class)
          .inNamespace(pair.getMetadata().getNamespace())
          .withName(pair.getMetadata().getName())
          .patch(
              MetadataPatch.MERGE,
              MetadataPatch.of("annotations", Map.of(Switchover.SEEN_AT, now.toString())));
    }
    return true;
  }

  private void answer(
      HAPair pair, String annotation, PairEvents.Change event, List<PairEvents.Change> changes) {
    changes.add(event);
    client
        .resources(HAPair.class)
        .inNamespace(pair.getMetadata().getNamespace())
        .withName(pair.getMetadata().getName())
        .edit(
            p -> {
              p.getMetadata().getAnnotations().remove(annotation);
              if (annotation.equals(Switchover.ANNOTATION)) {
                p.getMetadata().getAnnotations().remove(Switchover.SEEN_AT);
              }
              return p;
            });
  }

  private List<HAPairNode> reportsOf(HAPair pair) {
    String uid = pair.getMetadata().getUid();
    return reports
        .list(
            installNamespace,
            r ->
                r.getSpec() != null
                    && uid.equals(r.getSpec().getPairUid())
                    && pair.getMetadata().getName().equals(r.getSpec().getPairName()))
        .toList();
  }

  /**
   * The agents see the deletion and stop the pair (demote, release the virtual IPs, keep the data
   * unless deletionPolicy is Delete), then delete their reports; once they have, or after a grace
   * period for nodes that are gone, the Leases, the Secret and the node labels go.
   */
  @Override
  public DeleteControl cleanup(HAPair pair, Context<HAPair> context) {
    HAPairSpec spec = pair.getSpec();
    List<HAPairNode> running = reportsOf(pair);
    Instant deleted =
        pair.getMetadata().getDeletionTimestamp() == null
            ? clock.instant()
            : OffsetDateTime.parse(pair.getMetadata().getDeletionTimestamp()).toInstant();
    boolean graceOver = clock.instant().isAfter(deleted.plus(AGENT_STOP_GRACE));
    if (!running.isEmpty() && !graceOver) {
      log.info(
          "pair {}/{} deleted: waiting for the agents on {} to stop it",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          running.stream().map(r -> r.getSpec().getNode()).toList());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(2));
    }
    leases.delete(pair);
    secrets.delete(pair);
    if (certManager != null) {
      certManager.delete(pair);
    }
    for (HAPairNode report : running) {
      client.resource(report).delete();
    }
    agentNodes.unlabel(pair, context.getPrimaryCache().list().toList());
    pinning.forget(pair);
    log.info(
        "pair {}/{} deleted (deletionPolicy {}): {}; Leases, Secret and node labels removed",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        spec == null || spec.getDeletionPolicy() == null ? "Retain" : spec.getDeletionPolicy(),
        running.isEmpty()
            ? "the agents stopped it"
            : "agents on "
                + running.stream().map(r -> r.getSpec().getNode()).toList()
                + " did not answer within "
                + AGENT_STOP_GRACE.toSeconds()
                + " s");
    return DeleteControl.defaultDelete();
  }

  private static void logValidity(HAPair pair, HAPairStatus next) {
    Condition valid = Conditions.find(next.getConditions(), ConditionType.Valid);
    log.info(
        "pair {}/{} nodes {}: Valid={} ({}), phase {}, primary {}",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        namedNodes(pair),
        valid.getStatus(),
        valid.getMessage(),
        next.getPhase(),
        next.getPrimary());
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
