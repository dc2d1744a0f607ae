package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.SyncState;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.tls.PairCertificates;
import io.hapair.operator.status.Conditions;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the operator makes for a valid pair, and how it reports the agents' facts. */
@EnableKubernetesMockClient(crud = true)
class PairResourcesIT {
  static final String INSTALL = OperatorHarness.INSTALL_NAMESPACE;
  static final Duration T = Duration.ofSeconds(15);
  static KubernetesMockServer server;
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(server, client);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.stop();
    }
  }

  Secret secret(String pair) {
    return client
        .secrets()
        .inNamespace(INSTALL)
        .withName(PairObjects.secretName("default", pair))
        .get();
  }

  Lease lease(String pair, String group) {
    return client
        .leases()
        .inNamespace(INSTALL)
        .withName(WitnessLease.name("default", pair, group))
        .get();
  }

  @Test
  void aValidPairGetsItsSecretLeaseAndLabelledNodes() throws Exception {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "db"));
    await().atMost(T).until(() -> secret("db") != null && lease("db", "db") != null);

    Map<String, String> data = secret("db").getData();
    assertThat(Base64.getDecoder().decode(data.get("replication-key"))).hasSize(32);
    X509Certificate server =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(
                        Base64.getDecoder().decode(data.get(PairCertificates.SERVER_CERT))));
    assertThat(server.getSubjectAlternativeNames())
        .extracting(name -> name.get(1).toString())
        .contains("192.0.2.100", "127.0.0.1");
    assertThat(data).containsKeys(PairCertificates.CA_CERT, PairCertificates.CLIENT_KEY);

    Map<String, String> record = lease("db", "db").getMetadata().getAnnotations();
    assertThat(record)
        .containsEntry(WitnessLease.PAIR_UID, created.getMetadata().getUid())
        .containsEntry(WitnessLease.EPOCH, "0")
        .containsEntry(WitnessLease.UP_TO_DATE, "node-a"); // the initial sync source alone

    await()
        .atMost(T)
        .until(
            () ->
                List.of("node-a", "node-b").stream()
                    .allMatch(n -> "true".equals(labels(n).get("hapair.io/agent"))));
    assertThat(labels("node-c")).doesNotContainKey("hapair.io/agent");

    // A later reconcile (a new generation) keeps the key: both agents must keep agreeing on it.
    String key = data.get("replication-key");
    HAPair pair = harness.get("db");
    pair.getSpec().getVolume().setResyncRate("50Mi");
    client.resource(pair).update();
    await().atMost(T).until(() -> harness.get("db").getStatus().getObservedGeneration() == 2L);
    assertThat(secret("db").getData().get("replication-key")).isEqualTo(key);
  }

  @Test
  void theAgentsReportsBecomeTheStatusAndEvents() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "web"));
    String uid = created.getMetadata().getUid();
    await().atMost(T).until(() -> lease("web", "web") != null);

    harness.report(
        uid, "web", "node-a", OperatorHarness.group("web", "Primary", 1, "SyncSource", 1 << 20));
    harness.report(
        uid, "web", "node-b", OperatorHarness.group("web", "Secondary", 1, "SyncTarget", 1 << 20));
    await().atMost(T).until(() -> phase("web") == HAPairStatus.Phase.Syncing);
    assertThat(harness.get("web").getStatus().getPrimary()).isEqualTo("node-a");

    harness.report(
        uid, "web", "node-a", OperatorHarness.group("web", "Primary", 1, "Connected", 0));
    harness.report(
        uid, "web", "node-b", OperatorHarness.group("web", "Secondary", 1, "Connected", 0));
    await().atMost(T).until(() -> phase("web") == HAPairStatus.Phase.Healthy);
    HAPairStatus healthy = harness.get("web").getStatus();
    assertThat(healthy.getSync()).isEqualTo(SyncState.InSync);
    assertThat(Conditions.find(healthy.getConditions(), ConditionType.Ready).getStatus())
        .isEqualTo("True");

    // A report about an older pair of the same name is ignored.
    harness.report(
        "another-uid", "web", "node-b", OperatorHarness.group("web", "Primary", 9, "Degraded", 0));
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> "node-a".equals(harness.get("web").getStatus().getPrimary()));

    await()
        .atMost(T)
        .until(
            () ->
                reasons("web")
                    .containsAll(List.of("PrimaryChanged", "ResyncStarted", "ResyncFinished")));
  }

  @Test
  void nodeLabelsFollowThePrimaryAndPinnedPodsLeaveTheOldOne() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "pin"));
    String uid = created.getMetadata().getUid();
    await().atMost(T).until(() -> lease("pin", "pin") != null);
    harness.report(
        uid, "pin", "node-a", OperatorHarness.group("pin", "Primary", 1, "Connected", 0));
    harness.report(
        uid, "pin", "node-b", OperatorHarness.group("pin", "Secondary", 1, "Connected", 0));
    await()
        .atMost(T)
        .until(
            () ->
                "primary".equals(labels("node-a").get("hapair.io/pin"))
                    && "secondary".equals(labels("node-b").get("hapair.io/pin")));
    // Only the answer to a question by node holds it: listing every pod would not find it.
    Pod pinnedDb = newPod("pinned-db", "node-a", Map.of("hapair.io/pin", "primary"));
    // The CRUD mock answers an eviction with 409; answer as an API server does.
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/pinned-db/eviction")
        .andReturn(201, new StatusBuilder().withStatus("Success").build())
        .once();
    Pod free = pod("free-web", "node-a", Map.of());
    Pod elsewhere = pod("pinned-elsewhere", "node-c", Map.of("hapair.io/pin", "primary"));
    // The CRUD mock implements no field selector on spec.nodeName: answer the operator's
    // question for node-a's pods as a server that ignores the selector would, with a pod of
    // another node too, which the operator must leave alone. No other question gets pods.
    server
        .expect()
        .get()
        .withPath("/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a")
        .andReturn(
            200,
            new PodListBuilder()
                .withNewMetadata()
                .withResourceVersion("1")
                .endMetadata()
                .withItems(client.pods().resource(free).get(), elsewhere, pinnedDb)
                .build())
        .always();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/pinned-elsewhere/eviction")
        .andReturn(201, new StatusBuilder().withStatus("Success").build())
        .once();

    // node-b takes over.
    harness.report(
        uid, "pin", "node-a", OperatorHarness.group("pin", "Primary", 1, "Disconnected", 0));
    harness.report(uid, "pin", "node-b", OperatorHarness.group("pin", "Primary", 2, "Degraded", 0));
    await()
        .atMost(T)
        .until(
            () ->
                "primary".equals(labels("node-b").get("hapair.io/pin"))
                    && "secondary".equals(labels("node-a").get("hapair.io/pin")));
    // The mock does not delete an evicted pod, so the request and the Event are what is checked.
    await().atMost(T).until(() -> messages("pin", "Evicted").size() == 1);
    assertThat(messages("pin", "Evicted").get(0)).contains("default/pinned-db");
    assertThat(client.pods().resource(free).get()).isNotNull();
    assertThat(messages("pin", "Evicted")).noneMatch(m -> m.contains("pinned-elsewhere"));
  }

  private static List<String> messages(String pair, String reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pair.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static Pod pod(String name, String node, Map<String, String> nodeSelector) {
    return client.pods().resource(newPod(name, node, nodeSelector)).create();
  }

  private static Pod newPod(String name, String node, Map<String, String> nodeSelector) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withNodeSelector(nodeSelector)
        .addNewContainer()
        .withName("main")
        .withImage("postgres")
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void aDeletedLeaseIsNotRecreatedOnceTheGroupHadAPrimary() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "queue"));
    String uid = created.getMetadata().getUid();
    await().atMost(T).until(() -> lease("queue", "queue") != null);
    harness.report(
        uid, "queue", "node-a", OperatorHarness.group("queue", "Primary", 1, "Degraded", 0));
    await()
        .atMost(T)
        .until(
            () ->
                harness.get("queue").getStatus().getServiceGroups() != null
                    && Long.valueOf(1)
                        .equals(
                            harness.get("queue").getStatus().getServiceGroups().get(0).getEpoch()));

    client.resource(lease("queue", "queue")).delete();

    await()
        .atMost(T)
        .until(() -> "True".equals(condition("queue", ConditionType.WitnessUnreachable.name())));
    assertThat(lease("queue", "queue")).isNull();
    assertThat(reasons("queue")).contains(ConditionType.WitnessUnreachable.name());
  }

  @Test
  void aDeletedLeaseIsNotRecreatedEvenAfterBothAgentsStoppedAndTheirEpochsVanished() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "jobs"));
    String uid = created.getMetadata().getUid();
    await().atMost(T).until(() -> lease("jobs", "jobs") != null);
    harness.report(
        uid, "jobs", "node-a", OperatorHarness.group("jobs", "Primary", 4, "Degraded", 0));
    // The durable record of the epoch: an annotation the operator owns on the HAPair.
    await()
        .atMost(T)
        .until(
            () ->
                "jobs=4"
                    .equals(
                        harness
                            .get("jobs")
                            .getMetadata()
                            .getAnnotations()
                            .get("hapair.io/highest-epochs")));
    HAPairNode report =
        client
            .resources(HAPairNode.class)
            .inNamespace(INSTALL)
            .withName(HAPairNode.nameFor("default", "jobs", "node-a"))
            .get();
    HAPairNodeStatus stopped = new HAPairNodeStatus();
    stopped.setError("agent stopped");
    stopped.setGroups(List.of());
    report.setStatus(stopped);
    client.resource(report).updateStatus();
    await()
        .atMost(T)
        .until(
            () ->
                harness.get("jobs").getStatus().getServiceGroups() == null
                    || harness.get("jobs").getStatus().getServiceGroups().stream()
                        .allMatch(g -> g.getEpoch() == null || g.getEpoch() == 0));

    client.resource(lease("jobs", "jobs")).delete();
    await()
        .atMost(T)
        .until(() -> "True".equals(condition("jobs", ConditionType.WitnessUnreachable.name())));
    assertThat(lease("jobs", "jobs")).isNull();
  }

  @Test
  void theOperatorRestoresItsLabelsAndAnnotationWhenTheHAPairIsReplaced() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "cache"));
    harness.report(
        created.getMetadata().getUid(),
        "cache",
        "node-a",
        OperatorHarness.group("cache", "Primary", 2, "Degraded", 0));
    await()
        .atMost(T)
        .until(
            () ->
                harness.get("cache").getMetadata().getLabels() != null
                    && harness
                        .get("cache")
                        .getMetadata()
                        .getLabels()
                        .containsKey(NodeLabels.forNode("node-b"))
                    && harness.get("cache").getMetadata().getAnnotations() != null
                    && harness
                        .get("cache")
                        .getMetadata()
                        .getAnnotations()
                        .containsKey("hapair.io/highest-epochs"));
    Map<String, String> labels = harness.get("cache").getMetadata().getLabels();

    // kubectl replace (or a GitOps sync) with the manifest as the user wrote it.
    HAPair replaced = harness.get("cache");
    replaced.getMetadata().setLabels(null);
    replaced.getMetadata().setAnnotations(null);
    client.resource(replaced).update();

    await()
        .atMost(T)
        .until(
            () ->
                labels.equals(harness.get("cache").getMetadata().getLabels())
                    && harness.get("cache").getMetadata().getAnnotations() != null
                    && "cache=2"
                        .equals(
                            harness
                                .get("cache")
                                .getMetadata()
                                .getAnnotations()
                                .get("hapair.io/highest-epochs")));
  }

  @Test
  void aForcedPromotionThatHappenedAtTheWitnessIsReportedAndRecordedEvenFromAStaleReport() {
    HAPair created = harness.create(harness.loadExample("active-passive.yaml", "logs"));
    String uid = created.getMetadata().getUid();
    await().atMost(T).until(() -> lease("logs", "logs") != null);
    harness.report(
        uid, "logs", "node-a", OperatorHarness.group("logs", "Primary", 1, "Degraded", 0));
    harness.report(
        uid, "logs", "node-b", OperatorHarness.group("logs", "Secondary", 1, "Degraded", 0));
    HAPair asking = harness.get("logs");
    asking
        .getMetadata()
        .getAnnotations()
        .put("hapair.io/force-promote", "node=node-b lose-writes-of=node-a since-epoch=1");
    client.resource(asking).update();

    // node-b's agent swaps the record (epoch 2, node-b); its report says epoch 2 seen, not yet
    // primary: judged from that report alone, the statement "since-epoch=1" looks wrong.
    Lease record = lease("logs", "logs");
    client
        .resource(
            WitnessLease.write(
                record, new WitnessLease.Fields(uid, 2, "node-b", Set.of("node-b"), null)))
        .update();
    harness.report(
        uid, "logs", "node-b", OperatorHarness.group("logs", "Secondary", 2, "Degraded", 0));

    await()
        .atMost(T)
        .until(() -> "True".equals(condition("logs", ConditionType.ForcedPromotion.name())));
    assertThat(reasons("logs")).contains("ForcePromoted").doesNotContain("ForcePromoteRefused");
    assertThat(harness.get("logs").getMetadata().getAnnotations())
        .doesNotContainKey("hapair.io/force-promote");
  }

  @Test
  void aPairOnTheApiServersNodeIsWarnedAbout() {
    // What the API server publishes: an EndpointSlice named after its Service (no Endpoints).
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("kubernetes")
                .withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "kubernetes")
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("192.0.2.12")
                .endEndpoint()
                .build())
        .create();
    try {
      harness.create(harness.loadExample("active-passive.yaml", "fate"));
      await()
          .atMost(T)
          .until(() -> "True".equals(condition("fate", ConditionType.WitnessSharesFate.name())));
      assertThat(
              Conditions.find(
                      harness.get("fate").getStatus().getConditions(),
                      ConditionType.WitnessSharesFate.name())
                  .getMessage())
          .contains("node-b");
      await()
          .atMost(T)
          .until(() -> reasons("fate").contains(ConditionType.WitnessSharesFate.name()));
    } finally {
      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace("default")
          .withName("kubernetes")
          .delete();
    }
  }

  private static Map<String, String> labels(String node) {
    Node n = client.nodes().withName(node).get();
    return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }

  private static HAPairStatus.Phase phase(String pair) {
    HAPair p = harness.get(pair);
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  private static String condition(String pair, String type) {
    HAPair p = harness.get(pair);
    if (p.getStatus() == null || Conditions.find(p.getStatus().getConditions(), type) == null) {
      return null;
    }
    return Conditions.find(p.getStatus().getConditions(), type).getStatus();
  }

  private static List<String> reasons(String pair) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pair.equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }
}
