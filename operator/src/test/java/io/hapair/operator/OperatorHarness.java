package io.hapair.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeSpec;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import io.hapair.api.witness.WitnessLease;
import io.hapair.operator.resources.CertificateSource;
import io.hapair.operator.status.Conditions;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator as it runs in a cluster, started against fabric8's mock API server in CRUD mode with
 * the checked-in CRD and a few Nodes.
 */
final class OperatorHarness {
  static final Path ROOT = MockCluster.ROOT;
  static final String NAMESPACE = "default";
  static final String INSTALL_NAMESPACE = "hapair-system";

  final KubernetesClient client;
  final Operator operator;

  /** Every object written during the run, checked against a real API server's rules at stop. */
  private final ApiRulesWatch apiRules;

  private final Map<String, AtomicInteger> reconciles = new ConcurrentHashMap<>();

  OperatorHarness(KubernetesMockServer server, KubernetesClient client) {
    this(server, client, null);
  }

  /**
   * @param metrics where JOSDK reports; null counts reconciles per pair for the tests
   */
  OperatorHarness(KubernetesMockServer server, KubernetesClient client, Metrics metrics) {
    this(server, client, metrics, CertificateSource.builtin());
  }

  /**
   * @param certificates where the pairs' NBD certificates come from
   */
  OperatorHarness(
      KubernetesMockServer server,
      KubernetesClient client,
      Metrics metrics,
      CertificateSource certificates) {
    this.client = client;
    MockCluster.prepare(server, client);
    apiRules = ApiRulesWatch.start(client);
    addNode("node-a", "192.0.2.11");
    addNode("node-b", "192.0.2.12");
    addNode("node-c", "192.0.2.13");
    operator =
        HAPairOperator.create(
            client,
            new OperatorSettings(
                "hapair-operator",
                NAMESPACE,
                "test",
                Set.of(),
                INSTALL_NAMESPACE,
                "hapair-agent",
                MockCluster.EXAMPLES_ALLOWED,
                false,
                certificates),
            metrics == null ? new CountingMetrics() : metrics);
    operator.start();
  }

  Node addNode(String name, String address) {
    return MockCluster.addNode(client, name, address);
  }

  HAPair loadExample(String file, String name) {
    HAPair pair =
        client
            .resources(HAPair.class)
            .load(ROOT.resolve("manifests/examples").resolve(file).toFile())
            .item();
    pair.getMetadata().setName(name);
    pair.getMetadata().setNamespace(NAMESPACE);
    return pair;
  }

  HAPair create(HAPair pair) {
    return client.resource(pair).create();
  }

  HAPair get(String name) {
    return client.resources(HAPair.class).inNamespace(NAMESPACE).withName(name).get();
  }

  Condition valid(String name) {
    HAPair pair = get(name);
    return pair == null || pair.getStatus() == null
        ? null
        : Conditions.find(pair.getStatus().getConditions(), ConditionType.Valid);
  }

  /** Waits until the pair's Valid condition has the given status, and returns it. */
  Condition awaitValid(String name, String status) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> valid(name) != null && status.equals(valid(name).getStatus()));
    return valid(name);
  }

  int reconcileCount(String name) {
    return reconciles.computeIfAbsent(name, n -> new AtomicInteger()).get();
  }

  /** Writes a node's report about a pair in "default" as its agent would: object, then status. */
  void report(String uid, String pair, String node, GroupReport group) {
    HAPairNode report = new HAPairNode();
    report.getMetadata().setNamespace(INSTALL_NAMESPACE);
    report.getMetadata().setName(HAPairNode.nameFor(NAMESPACE, pair, node));
    report
        .getMetadata()
        .setLabels(Map.of(HAPairNode.PAIR_LABEL, HAPairNode.pairLabel(NAMESPACE, pair)));
    report.setSpec(new HAPairNodeSpec(NAMESPACE, pair, uid, node));
    HAPairNodeStatus status = new HAPairNodeStatus();
    status.setUpdated(Instant.now().toString());
    status.setGroups(List.of(group));
    report.setStatus(status);
    advanceLease(pair, node, group);
    client.resource(report).createOr(existing -> existing.update());
    client.resource(report).updateStatus();
  }

  /**
   * A report of epoch E follows the agent's witness swap to E, as in a cluster: moves the group's
   * Lease to E first (its primary, if the report is a primary's), never back.
   */
  private void advanceLease(String pair, String node, GroupReport group) {
    Lease lease =
        client
            .leases()
            .inNamespace(INSTALL_NAMESPACE)
            .withName(WitnessLease.name(NAMESPACE, pair, group.getName()))
            .get();
    long epoch = group.getHighestEpoch() == null ? 0 : group.getHighestEpoch();
    if (lease == null) {
      return;
    }
    WitnessLease.Fields now = WitnessLease.read(lease);
    if (now.epoch() >= epoch) {
      return;
    }
    String primary = group.getRole() == NodeRole.Primary ? node : now.primary();
    client
        .resource(
            WitnessLease.write(
                lease,
                new WitnessLease.Fields(now.pairUid(), epoch, primary, now.upToDate(), null)))
        .update();
  }

  /** One group as a node reports it, its disk UpToDate. */
  static GroupReport group(
      String name, String role, long epoch, String connection, long outOfSync) {
    GroupReport g = new GroupReport();
    g.setName(name);
    g.setRole(NodeRole.valueOf(role));
    g.setEpoch(role.equals("Primary") ? epoch : 0);
    g.setHighestEpoch(epoch);
    g.setDiskState(NodeDiskState.UpToDate);
    g.setConnection(LinkState.valueOf(connection));
    g.setOutOfSyncBytes(outOfSync);
    g.setSplitBrain(false);
    return g;
  }

  /** Stops the operator; fails if anything written during the run breaks the API server's rules. */
  void stop() {
    operator.stop();
    apiRules.close();
    apiRules.assertNone();
  }

  private final class CountingMetrics implements Metrics {
    @Override
    public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> meta) {
      reconciles
          .computeIfAbsent(resource.getMetadata().getName(), n -> new AtomicInteger())
          .incrementAndGet();
    }
  }
}
