package io.hapair.agent.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.agent.standalone.ConfigException;
import io.hapair.agent.standalone.NodeRunner;
import io.hapair.agent.standalone.StandaloneConfig;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.agent.witness.KubernetesArbiter;
import io.hapair.api.spec.ForcePromoteRequest;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.Daemons;
import io.hapair.common.trust.InstallPolicy;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent in a Kubernetes cluster: runs this node's part of every HAPair that names the node and
 * that the operator found valid, with the witness record in the group's Lease and the keys from the
 * pair's Secret; reports the node's facts in its HAPairNode objects. One thread applies changes,
 * one pair at a time; the failover path itself never waits for the API server beyond the witness
 * call.
 */
public final class KubeAgent implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(KubeAgent.class);
  static final Duration RETRY = Duration.ofSeconds(5);
  static final Duration REPORT_EVERY = Duration.ofSeconds(1);
  private static final String ALL = "*";

  /**
   * How the agent runs.
   *
   * @param namespace the install namespace: Secrets, witness Leases, per-node reports
   * @param policy the commands and disks pairs may use: checked here again, whatever the operator
   *     said
   * @param servedNamespaces the namespaces whose HAPairs this agent acts on; empty means all
   * @param secretRefresh how often the running pairs' Secrets are read again for renewed
   *     certificates (by name: the agent may not watch Secrets)
   */
  public record Settings(
      String node,
      String namespace,
      Path stateDir,
      Duration witnessTimeout,
      String version,
      InstallPolicy policy,
      Set<String> servedNamespaces,
      Duration secretRefresh) {

    /** Settings that read the Secrets again every {@link #SECRET_REFRESH}. */
    public Settings(
        String node,
        String namespace,
        Path stateDir,
        Duration witnessTimeout,
        String version,
        InstallPolicy policy,
        Set<String> servedNamespaces) {
      this(
          node,
          namespace,
          stateDir,
          witnessTimeout,
          version,
          policy,
          servedNamespaces,
          SECRET_REFRESH);
    }
  }

  /**
   * How often a running pair's Secret is read again: renewals happen months before expiry, so a
   * minute is plenty, and one GET per pair a minute is little load.
   */
  public static final Duration SECRET_REFRESH = Duration.ofMinutes(1);

  /** One pair this node runs. */
  private static final class Running {
    final String uid;
    final long generation;
    final HAPairSpec spec;
    final NodeRunner runner;
    final NodeReport report;
    final Path dir;

    Running(
        String uid,
        long generation,
        HAPairSpec spec,
        NodeRunner runner,
        NodeReport report,
        Path dir) {
      this.uid = uid;
      this.generation = generation;
      this.spec = spec;
      this.runner = runner;
      this.report = report;
      this.dir = dir;
    }

    Running at(long newGeneration, HAPairSpec newSpec) {
      return new Running(uid, newGeneration, newSpec, runner, report, dir);
    }
  }

  private final KubernetesClient client;
  private final KubernetesClient witnessClient;
  private final Settings settings;
  private final Clock clock;
  private final GroupReports reports;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, String> waiting = new ConcurrentHashMap<>();
  private final Map<String, String> switchoversAsked = new ConcurrentHashMap<>();
  private final Map<String, String> forcePromotionsAsked = new ConcurrentHashMap<>();

  /** The resourceVersion of each running pair's Secret whose TLS files are on disk. */
  private final Map<String, String> secretVersions = new ConcurrentHashMap<>();

  private final ScheduledExecutorService changes =
      Executors.newSingleThreadScheduledExecutor(Daemons.named("kube-agent"));
  private final ScheduledExecutorService reporter =
      Executors.newSingleThreadScheduledExecutor(Daemons.named("kube-agent-report"));

  /** One informer per served namespace, or one for all namespaces (key "*"). */
  private final Map<String, SharedIndexInformer<HAPair>> pairs = new ConcurrentHashMap<>();

  private volatile boolean synced;

  /**
   * @param witnessClient the client for the witness Leases: short timeouts, no retries
   */
  public KubeAgent(
      KubernetesClient client, KubernetesClient witnessClient, Settings settings, Clock clock) {
    this.client = client;
    this.witnessClient = witnessClient;
    this.settings = settings;
    this.clock = clock;
    this.reports = new GroupReports(System::nanoTime, clock::instant);
  }

  public KubeAgent start() {
    // Only the pairs that name this node (the operator labels each pair with its nodes), and only
    // in the served namespaces: the agent does not even list the others.
    if (settings.servedNamespaces().isEmpty()) {
      pairs.put(
          ALL,
          client
              .resources(HAPair.class)
              .inAnyNamespace()
              .withLabel(NodeLabels.forNode(settings.node()))
              .inform(new Changes(), 0));
    } else {
      for (String ns : settings.servedNamespaces()) {
        pairs.put(
            ns,
            client
                .resources(HAPair.class)
                .inNamespace(ns)
                .withLabel(NodeLabels.forNode(settings.node()))
                .inform(new Changes(), 0));
      }
    }
    synced = true;
    changes.scheduleWithFixedDelay(
        this::reconcileAll, RETRY.toMillis(), RETRY.toMillis(), TimeUnit.MILLISECONDS);
    changes.scheduleWithFixedDelay(
        this::refreshSecrets,
        settings.secretRefresh().toMillis(),
        settings.secretRefresh().toMillis(),
        TimeUnit.MILLISECONDS);
    reporter.scheduleWithFixedDelay(
        this::reportAll, REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "node {}: agent {} watching HAPairs in {} (reports in {})",
        settings.node(),
        settings.version(),
        settings.servedNamespaces().isEmpty() ? "all namespaces" : settings.servedNamespaces(),
        settings.namespace());
    return this;
  }

  /** True once the HAPairs have been listed. */
  public boolean ready() {
    return synced;
  }

  private final class Changes implements ResourceEventHandler<HAPair> {
    @Override
    public void onAdd(HAPair pair) {
      changes.execute(() -> reconcile(Cache.metaNamespaceKeyFunc(pair)));
    }

    @Override
    public void onUpdate(HAPair old, HAPair pair) {
      changes.execute(() -> reconcile(Cache.metaNamespaceKeyFunc(pair)));
    }

    @Override
    public void onDelete(HAPair pair, boolean unknownFinalState) {
      changes.execute(() -> reconcile(Cache.metaNamespaceKeyFunc(pair)));
    }
  }

  /** The pair as last seen, or null when gone or not in a served namespace. */
  private HAPair cached(String key) {
    String namespace = key.substring(0, key.indexOf('/'));
    SharedIndexInformer<HAPair> informer = pairs.getOrDefault(namespace, pairs.get(ALL));
    return informer == null ? null : informer.getStore().getByKey(key);
  }

  private void reconcileAll() {
    List<String> keys = new ArrayList<>(running.keySet());
    pairs.values().stream()
        .flatMap(informer -> informer.getStore().listKeys().stream())
        .forEach(
            k -> {
              if (!keys.contains(k)) {
                keys.add(k);
              }
            });
    keys.forEach(this::reconcile);
  }

  /** Brings one pair's local state to what its HAPair says. Runs on the changes thread only. */
  private void reconcile(String key) {
    HAPair pair = cached(key);
    Running current = running.get(key);
    try {
      if (pair == null
          || pair.getMetadata().getDeletionTimestamp() != null
          || !namesThisNode(pair)) {
        if (current != null) {
          stop(
              key,
              current,
              pair,
              "the pair "
                  + (pair == null
                      ? "is gone"
                      : pair.getMetadata().getDeletionTimestamp() != null
                          ? "is being deleted"
                          : "no longer names this node"));
        }
        return;
      }
      String why = notReady(pair);
      if (why != null) {
        if (!why.equals(waiting.put(key, why))) {
          log.info("pair {} node {}: waiting: {}", key, settings.node(), why);
        }
        return;
      }
      waiting.remove(key);
      long generation =
          pair.getMetadata().getGeneration() == null ? 0 : pair.getMetadata().getGeneration();
      if (current != null
          && current.uid.equals(pair.getMetadata().getUid())
          && current.generation == generation) {
        switchOverIfAsked(key, current, pair);
        forcePromoteIfAsked(key, current, pair);
        return;
      }
      if (current != null
          && current.uid.equals(pair.getMetadata().getUid())
          && sameBesidesLiveSettings(current.spec, pair.getSpec())) {
        // Applied in place: restarting would interrupt the service for nothing.
        current.runner.applyLive(pair.getSpec(), pair.getMetadata().getName());
        running.put(key, current.at(generation, pair.getSpec()));
        return;
      }
      if (current != null) {
        stop(key, current, pair, "its spec changed (generation " + generation + ")");
      }
      running.put(key, start(pair, generation));
    } catch (ConfigException | IOException | RuntimeException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      if (!message.equals(waiting.put(key, message))) {
        log.warn("pair {} node {}: cannot run the pair: {}", key, settings.node(), message);
      }
    }
  }

  /** Equal but for maintenance, failback and the preferred nodes (see NodeRunner.applyLive). */
  private static boolean sameBesidesLiveSettings(HAPairSpec a, HAPairSpec b) {
    return Serialization.asJson(withoutLiveSettings(a))
        .equals(Serialization.asJson(withoutLiveSettings(b)));
  }

  private static HAPairSpec withoutLiveSettings(HAPairSpec spec) {
    HAPairSpec copy = Serialization.clone(spec);
    copy.setMaintenance(null);
    copy.setFailback(null);
    copy.setPreferredPrimary(null);
    if (copy.getServiceGroups() != null) {
      copy.getServiceGroups().forEach(g -> g.setPreferredNode(null));
    }
    return copy;
  }

  /**
   * The annotation {@value PairObjects#SWITCHOVER_ANNOTATION} names the node that should lead: the
   * groups this node leads hand over to it, once per value of the annotation.
   */
  /**
   * The annotation {@value PairObjects#FORCE_PROMOTE_ANNOTATION}, {@code node=<n>
   * lose-writes-of=<peer> since-epoch=<e>}: node n promotes although the witness does not list it
   * as current (see ReplicatedVolume.forcePromote, which refuses unless the loss named is the true
   * one).
   */
  private void forcePromoteIfAsked(String key, Running current, HAPair pair) {
    String asked =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(PairObjects.FORCE_PROMOTE_ANNOTATION);
    if (asked == null) {
      forcePromotionsAsked.remove(key);
      return;
    }
    Map<String, String> terms = ForcePromoteRequest.parse(asked);
    if (!settings.node().equals(terms.get("node"))
        || asked.equals(forcePromotionsAsked.put(key, asked))) {
      return;
    }
    long since;
    try {
      since = Long.parseLong(terms.getOrDefault("since-epoch", "-1"));
    } catch (NumberFormatException e) {
      since = -1;
    }
    for (ReplicatedVolume volume : current.runner.volumes()) {
      String group = volume.config().group();
      if (current.runner.waitsForPeer(group)) {
        String refused =
            current.runner.confirmLead(group, terms.getOrDefault("lose-writes-of", ""), since);
        if (refused != null) {
          log.error("pair {} node {}: forced promotion refused: {}", key, settings.node(), refused);
        }
        continue;
      }
      volume
          .forcePromote(terms.getOrDefault("lose-writes-of", ""), since)
          .whenComplete(
              (epoch, failure) -> {
                if (failure != null) {
                  log.error(
                      "pair {} node {}: forced promotion refused: {}",
                      key,
                      settings.node(),
                      failure instanceof CompletionException
                          ? failure.getCause().getMessage()
                          : failure.getMessage());
                }
              });
    }
  }

  private void switchOverIfAsked(String key, Running current, HAPair pair) {
    String target =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(PairObjects.SWITCHOVER_ANNOTATION);
    if (target == null) {
      switchoversAsked.remove(key);
      return;
    }
    if (target.equals(settings.node()) || target.equals(switchoversAsked.put(key, target))) {
      return;
    }
    String seenAt =
        pair.getMetadata().getAnnotations().get(PairObjects.SWITCHOVER_SEEN_AT_ANNOTATION);
    if (seenAt != null && expired(seenAt)) {
      // An old request (found at start after a restart, or outliving its deadline): never acted on.
      log.warn(
          "pair {} node {}: switchover to {} asked at {} is past its deadline: ignored",
          key,
          settings.node(),
          target,
          seenAt);
      return;
    }
    log.info("pair {} node {}: switchover to {} asked", key, settings.node(), target);
    current
        .runner
        .switchOverTo(target)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                log.warn(
                    "pair {} node {}: switchover to {} failed: {}",
                    key,
                    settings.node(),
                    target,
                    failure.getMessage());
              }
            });
  }

  /** Whether a request first seen at {@code seenAt} (RFC 3339) is past its deadline. */
  private boolean expired(String seenAt) {
    try {
      return clock.instant().isAfter(Instant.parse(seenAt).plus(PairObjects.REQUEST_DEADLINE));
    } catch (DateTimeParseException e) {
      return false; // not the operator's stamp: the operator expires the request
    }
  }

  private boolean namesThisNode(HAPair pair) {
    return pair.getSpec() != null
        && pair.getSpec().getNodes() != null
        && pair.getSpec().getNodes().stream()
            .map(PairNode::getName)
            .anyMatch(settings.node()::equals);
  }

  /** Why the pair cannot start yet, or null: the operator must have found this generation valid. */
  private static String notReady(HAPair pair) {
    Long generation = pair.getMetadata().getGeneration();
    Condition valid =
        pair.getStatus() == null || pair.getStatus().getConditions() == null
            ? null
            : pair.getStatus().getConditions().stream()
                .filter(c -> ConditionType.Valid.name().equals(c.getType()))
                .findFirst()
                .orElse(null);
    if (valid == null || !Objects.equals(valid.getObservedGeneration(), generation)) {
      return "the operator has not validated generation " + generation + " yet";
    }
    if (!"True".equals(valid.getStatus())) {
      return "the spec is invalid: " + valid.getMessage();
    }
    return null;
  }

  private Running start(HAPair pair, long generation) throws ConfigException, IOException {
    String ns = pair.getMetadata().getNamespace();
    String name = pair.getMetadata().getName();
    Secret secret =
        client
            .secrets()
            .inNamespace(settings.namespace())
            .withName(PairObjects.secretName(ns, name))
            .get();
    if (secret == null) {
      throw new IOException(
          "Secret "
              + settings.namespace()
              + "/"
              + PairObjects.secretName(ns, name)
              + " does not exist yet");
    }
    String owner =
        secret.getMetadata().getAnnotations() == null
            ? null
            : secret.getMetadata().getAnnotations().get(PairObjects.PAIR_UID);
    if (!pair.getMetadata().getUid().equals(owner)) {
      throw new IOException(
          "Secret "
              + settings.namespace()
              + "/"
              + PairObjects.secretName(ns, name)
              + " belongs to pair UID "
              + owner
              + ", not this pair's: not using its keys");
    }
    Path dir = settings.stateDir().resolve(ns + "." + name);
    PairTls.Found tls =
        PairTls.read(client, settings.namespace(), secret, pair.getMetadata().getUid());
    SecretFiles.Written files = SecretFiles.write(secret, tls.data(), dir);
    secretVersions.put(ns + "/" + name, tls.version());
    StandaloneConfig config = new StandaloneConfig();
    config.pair = name;
    config.namespace = ns;
    config.uid = pair.getMetadata().getUid();
    config.node = settings.node();
    config.stateDir = dir.toString();
    config.keyFile = files.keyFile().toString();
    config.tlsDir = files.tlsDir().toString();
    config.witness = "kubernetes";
    config.metrics = "off";
    config.witnessTimeout = settings.witnessTimeout().toMillis() + "ms";
    config.spec = pair.getSpec();
    config.allowCommands = settings.policy().allowCommands();
    config.allowedDisks = settings.policy().allowedDisks().entries();
    NodeRunner runner =
        NodeRunner.start(
            config,
            (group, volume, seen) ->
                new KubernetesArbiter(
                    witnessClient,
                    settings.namespace(),
                    WitnessLease.resolve(
                        lease ->
                            witnessClient
                                .leases()
                                .inNamespace(settings.namespace())
                                .withName(lease)
                                .get(),
                        ns,
                        name,
                        pair.getMetadata().getUid(),
                        group.name()),
                    settings.witnessTimeout()),
            (peer, group) ->
                highestEpochReported(ns, name, pair.getMetadata().getUid(), peer, group));
    log.info(
        "pair {}/{} node {}: running generation {} ({} group(s))",
        ns,
        name,
        settings.node(),
        generation,
        runner.volumes().size());
    return new Running(
        pair.getMetadata().getUid(),
        generation,
        Serialization.clone(pair.getSpec()),
        runner,
        new NodeReport(client, settings.namespace(), pair, settings.node()),
        dir);
  }

  /**
   * Writes the TLS files of every running pair again when its Secret changed (the operator renewed
   * the certificates): the NBD server reads them at the next handshake. Only a Secret carrying the
   * pair's UID is used. Runs on the changes thread.
   */
  private void refreshSecrets() {
    for (Map.Entry<String, Running> e : running.entrySet()) {
      String key = e.getKey();
      String ns = key.substring(0, key.indexOf('/'));
      String name = key.substring(key.indexOf('/') + 1);
      String secretName = PairObjects.secretName(ns, name);
      try {
        Secret secret =
            client.secrets().inNamespace(settings.namespace()).withName(secretName).get();
        if (secret == null) {
          continue; // the operator makes it again; the files on disk stay valid meanwhile
        }
        String owner =
            secret.getMetadata().getAnnotations() == null
                ? null
                : secret.getMetadata().getAnnotations().get(PairObjects.PAIR_UID);
        String seen = secretVersions.get(key);
        if (!e.getValue().uid.equals(owner)) {
          String version = String.valueOf(secret.getMetadata().getResourceVersion());
          if (!version.equals(seen)) {
            log.warn(
                "pair {} node {}: Secret {}/{} belongs to pair UID {}: its certificates are not"
                    + " used",
                key,
                settings.node(),
                settings.namespace(),
                secretName,
                owner);
            secretVersions.put(key, version);
          }
          continue;
        }
        PairTls.Found tls = PairTls.read(client, settings.namespace(), secret, e.getValue().uid);
        String version = tls.version();
        if (version.equals(seen)) {
          continue;
        }
        SecretFiles.writeTls(tls.data(), e.getValue().dir.resolve("secret"));
        secretVersions.put(key, version);
        log.info(
            "pair {} node {}: TLS files refreshed from Secret {}/{} (resourceVersion {})",
            key,
            settings.node(),
            settings.namespace(),
            secretName,
            version);
      } catch (IOException | RuntimeException failure) {
        log.warn(
            "pair {} node {}: could not refresh the TLS files from Secret {}/{}: {}",
            key,
            settings.node(),
            settings.namespace(),
            secretName,
            failure.getMessage());
      }
    }
  }

  /** The resourceVersion of the pair's Secret the agent last looked at, for tests. */
  String secretVersionSeen(String pairNamespace, String pairName) {
    return secretVersions.get(pairNamespace + "/" + pairName);
  }

  /** The TLS directory of a running pair, for tests. */
  Path tlsDir(String pairNamespace, String pairName) {
    Running r = running.get(pairNamespace + "/" + pairName);
    return r == null ? null : r.dir.resolve("secret").resolve("tls");
  }

  /**
   * The highest epoch {@code peer} last reported for {@code group} of this pair (its HAPairNode), 0
   * if there is no such report. A report can be old or gone; it only ever adds caution at start.
   */
  private long highestEpochReported(
      String pairNs, String pairName, String pairUid, String peer, String group) {
    HAPairNode report =
        client
            .resources(HAPairNode.class)
            .inNamespace(settings.namespace())
            .withName(HAPairNode.nameFor(pairNs, pairName, peer))
            .get();
    if (report == null
        || report.getSpec() == null
        || !pairUid.equals(report.getSpec().getPairUid())
        || report.getStatus() == null
        || report.getStatus().getGroups() == null) {
      return 0;
    }
    return report.getStatus().getGroups().stream()
        .filter(g -> group.equals(g.getName()))
        .mapToLong(g -> Math.max(orZero(g.getEpoch()), orZero(g.getHighestEpoch())))
        .max()
        .orElse(0);
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  /** Demotes and releases the virtual IPs (closing the runner does both), then cleans up. */
  private void stop(String key, Running current, HAPair pair, String why) {
    running.remove(key);
    secretVersions.remove(key);
    current.runner.close();
    boolean gone = pair == null || pair.getMetadata().getDeletionTimestamp() != null;
    if (gone) {
      HAPairSpec.DeletionPolicy policy =
          pair == null || pair.getSpec() == null || pair.getSpec().getDeletionPolicy() == null
              ? HAPairSpec.DeletionPolicy.Retain
              : pair.getSpec().getDeletionPolicy();
      if (policy == HAPairSpec.DeletionPolicy.Delete) {
        deleteTree(current.dir);
      }
      try {
        current.report.delete();
      } catch (RuntimeException e) {
        log.warn(
            "pair {} node {}: could not delete its report: {}", key, settings.node(), e.toString());
      }
    }
    log.info("pair {} node {}: stopped: {}", key, settings.node(), why);
  }

  private void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
      log.info("node {}: deletionPolicy Delete: removed {}", settings.node(), dir);
    } catch (IOException e) {
      log.warn("node {}: could not remove {}: {}", settings.node(), dir, e.toString());
    }
  }

  private void reportAll() {
    for (Map.Entry<String, Running> e : running.entrySet()) {
      HAPairNodeStatus facts = new HAPairNodeStatus();
      facts.setAgentVersion(settings.version());
      facts.setGroups(e.getValue().runner.volumes().stream().map(reports::of).toList());
      try {
        e.getValue().report.write(facts, clock.instant());
      } catch (RuntimeException failure) {
        log.warn(
            "pair {} node {}: could not write its report: {}",
            e.getKey(),
            settings.node(),
            failure.getMessage());
      }
    }
  }

  /** Why this node does not run the pair (yet), or null: for tests. */
  String waitingReason(String pairNamespace, String pairName) {
    return waiting.get(pairNamespace + "/" + pairName);
  }

  /** The volumes this node runs, for tests and metrics. */
  public List<ReplicatedVolume> volumes(String pairNamespace, String pairName) {
    Running r = running.get(pairNamespace + "/" + pairName);
    return r == null ? List.of() : r.runner.volumes();
  }

  @Override
  public void close() {
    reporter.shutdownNow();
    changes.shutdownNow();
    pairs.values().forEach(SharedIndexInformer::close);
    for (Map.Entry<String, Running> e : running.entrySet()) {
      e.getValue().runner.close();
      // Say so, rather than leave the last facts standing for a node that no longer serves.
      HAPairNodeStatus stopped = new HAPairNodeStatus();
      stopped.setAgentVersion(settings.version());
      stopped.setError("agent stopped");
      try {
        e.getValue().report.write(stopped, clock.instant());
      } catch (RuntimeException failure) {
        log.warn(
            "pair {} node {}: could not report the stop: {}",
            e.getKey(),
            settings.node(),
            failure.getMessage());
      }
    }
    running.clear();
  }
}
