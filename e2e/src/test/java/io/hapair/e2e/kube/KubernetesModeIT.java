package io.hapair.e2e.kube;

import static io.micrometer.core.instrument.Metrics.globalRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.agent.kube.KubeAgent;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.SyncState;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.MetricsServer;
import io.hapair.common.QemuIo;
import io.hapair.common.Scrape;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.HAPairOperator;
import io.hapair.operator.MockCluster;
import io.hapair.operator.OperatorSettings;
import io.hapair.operator.metrics.OperatorMetrics;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes mode end to end on fabric8's mock API server: the real operator and two real agents
 * (node-a on 127.0.0.2, node-b on 127.0.0.3, the NBD export on loopback), the witness record in a
 * Lease. The operator makes the Secret and Lease; the agents start the pair, report it, fail over
 * through the Lease; deleting the pair stops it everywhere.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesModeIT {
  static final String INSTALL = "hapair-system";
  static final Duration T = Duration.ofSeconds(30);
  static final long SIZE = 32L << 20;

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  Operator operator;
  KubeAgent agentA;
  KubeAgent agentB;
  int exportPort;

  @BeforeEach
  void start(TestInfo info) throws Exception {
    MockCluster.prepare(server, client);
    MockCluster.addNode(client, "node-a", "127.0.0.2");
    MockCluster.addNode(client, "node-b", "127.0.0.3");
    operator =
        HAPairOperator.create(
            newClient(),
            new OperatorSettings(
                "hapair-operator",
                INSTALL,
                "test",
                Set.of(),
                INSTALL,
                "hapair-agent",
                policy(),
                false),
            // The operator's meters only where a test reads them: they cost CPU the timing of
            // the failover tests does not have to spare on a loaded machine.
            info.getTestMethod().orElseThrow().getName().startsWith("theSeries")
                ? OperatorMetrics.create(globalRegistry)
                : new Metrics() {});
    operator.start();
    agentA = agent("node-a");
    agentB = agent("node-b");
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {agentA, agentB}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing a stopped agent
      }
    }
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void theSeriesNameThePairAndServeEveryQueryOfTheDashboard() throws Exception {
    try (MetricsServer endpoints =
        new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true)) {
      HAPair created = client.resource(pair()).create();
      awaitPair(() -> phase() == HAPairStatus.Phase.Healthy);
      String ready =
          "hapair_pair_condition{name=\"db\",namespace=\"default\",status=\"True\",type=\"Ready\"} 1.0";
      await().atMost(T).until(() -> Scrape.of(endpoints.port()).text().contains(ready));
      Scrape scrape = Scrape.of(endpoints.port());

      // The agents name the pair by the HAPair's namespace and name, never by its UID.
      String a = "group=\"db\",name=\"db\",namespace=\"default\",node=\"node-a\"";
      assertThat(scrape.value("hapair_role{" + a + "}")).isEqualTo(1);
      assertThat(scrape.value("hapair_nbd_requests_total{" + a + ",type=\"read\"}")).isZero();
      assertThat(scrape.text()).doesNotContain(created.getMetadata().getUid());
      assertThat(scrape.value("hapair_pairs{phase=\"Healthy\"}")).isEqualTo(1);

      // Every series the dashboard queries is in a real scrape of the agents and the operator
      // (a panel over a series nobody exports is always empty).
      Set<String> exported = new TreeSet<>();
      Matcher sample = Pattern.compile("(?m)^([a-z_:][a-z0-9_:]*)[{ ]").matcher(scrape.text());
      while (sample.find()) {
        exported.add(sample.group(1));
      }
      Set<String> queried = new TreeSet<>();
      String dashboard =
          Files.readString(Path.of("..", "helm", "hapair", "dashboards", "hapair.json"));
      for (String expr : new ObjectMapper().readTree(dashboard).findValuesAsText("expr")) {
        Matcher name = Pattern.compile("\\b(?:hapair|jvm|process)_[a-z0-9_]+").matcher(expr);
        while (name.find()) {
          queried.add(name.group());
        }
      }
      // The workload panel's series exist only where a group has a filesystem, which only
      // standalone pairs have (Kubernetes mode refuses spec.groups[].filesystem).
      queried.removeIf(n -> n.startsWith("hapair_workload_") || n.equals("hapair_attach_backend"));
      assertThat(queried).hasSizeGreaterThan(20);
      assertThat(exported).containsAll(queried);
      assertThat(scrape.promtoolProblems(dir)).isEmpty();
    }
  }

  @Test
  void theOperatorAndTwoAgentsRunAPairAndFailOverThroughTheLease() throws Exception {
    client.resource(pair()).create();

    awaitPair(() -> phase() == HAPairStatus.Phase.Healthy);
    HAPair healthy = get();
    assertThat(healthy.getStatus().getPrimary()).isEqualTo("node-a");
    assertThat(healthy.getStatus().getEpoch()).isEqualTo(1);
    assertThat(healthy.getStatus().getSync()).isEqualTo(SyncState.InSync);
    assertThat(reports()).hasSize(2);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-a");
    assertThat(get().getStatus().getNodes())
        .extracting(n -> n.getName() + "=" + n.getRole())
        .containsExactly("node-a=Primary", "node-b=Secondary");

    QemuIo.write(uri(), 0x5a, "0", "1M");

    // Maintenance is applied in place on both nodes (no restart) and shows as a condition.
    ReplicatedVolume primaryVolume = agentA.volumes("default", "db").get(0);
    setMaintenance(true);
    awaitPair(
        () ->
            "True".equals(condition("Maintenance"))
                && !agentB.volumes("default", "db").get(0).automaticFailover());
    assertThat(agentA.volumes("default", "db").get(0)).isSameAs(primaryVolume);
    setMaintenance(false);
    awaitPair(
        () ->
            "False".equals(condition("Maintenance"))
                && agentB.volumes("default", "db").get(0).automaticFailover());

    // node-a's agent goes away (its pod is deleted): node-b takes over through the Lease.
    agentA.close();
    agentA = null;
    await().atMost(T).until(() -> "node-b".equals(lease().getSpec().getHolderIdentity()));
    assertThat(lease().getMetadata().getAnnotations())
        .containsEntry(WitnessLease.EPOCH, "2")
        .containsEntry(WitnessLease.UP_TO_DATE, "node-b");
    await().atMost(T).until(() -> "node-b".equals(get().getStatus().getPrimary()));
    HAPair failedOver = get();
    assertThat(failedOver.getStatus().getEpoch()).isEqualTo(2);
    assertThat(failedOver.getStatus().getLastFailover().getFrom()).isEqualTo("node-a");
    assertThat(failedOver.getStatus().getLastFailover().getTo()).isEqualTo("node-b");
    await().atMost(T).until(() -> reasons().contains("Failover"));

    // The data written through node-a is served by node-b.
    await().atMost(T).until(() -> QemuIo.reads(uri(), 0x5a, "0", "1M"));

    // node-a's agent comes back: the witness names node-b, so node-a stays secondary and resyncs.
    agentA = agent("node-a");
    awaitPair(
        () ->
            phase() == HAPairStatus.Phase.Healthy
                && get().getStatus().getNodes().stream()
                    .map(n -> n.getName() + "=" + n.getRole() + "/" + n.getDiskState())
                    .toList()
                    .equals(List.of("node-a=Secondary/UpToDate", "node-b=Primary/UpToDate")));
    assertThat(get().getStatus().getPrimary()).isEqualTo("node-b");
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "2");

    // A switchover back to node-a, asked for with the annotation.
    HAPair annotated = get();
    annotated.getMetadata().getAnnotations().put("hapair.io/switchover-to", "node-a");
    client.resource(annotated).update();
    awaitPair(
        () ->
            "node-a".equals(get().getStatus().getPrimary())
                && !get().getMetadata().getAnnotations().containsKey("hapair.io/switchover-to"));
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-a");
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "3");
    await().atMost(T).until(() -> reasons().contains("SwitchedOver"));
    await().atMost(T).until(() -> QemuIo.reads(uri(), 0x5a, "0", "1M"));

    // Deleting the pair stops it on both nodes and removes what the operator made.
    client.resource(get()).delete();
    await().atMost(T).until(() -> get() == null);
    assertThat(agentA.volumes("default", "db")).isEmpty();
    assertThat(agentB.volumes("default", "db")).isEmpty();
    assertThat(reports()).isEmpty();
    assertThat(lease()).isNull();
    assertThat(
            client
                .secrets()
                .inNamespace(INSTALL)
                .withName(PairObjects.secretName("default", "db"))
                .get())
        .isNull();
  }

  @Test
  void aPersonForcesTheOutdatedNodeWithTheAnnotationOnceTheLossIsNamed() throws Exception {
    client.resource(pair()).create();
    awaitPair(() -> phase() == HAPairStatus.Phase.Healthy);
    QemuIo.write(uri(), 0x11, "0", "64k");
    agentB.close(); // node-b goes away; node-a outdates it and carries on alone
    agentB = null;
    QemuIo.write(uri(), 0x22, "0", "64k");
    awaitPair(
        () -> lease().getMetadata().getAnnotations().get(WitnessLease.UP_TO_DATE).equals("node-a"));
    agentA.close(); // node-a is lost for good
    agentA = null;
    agentB = agent("node-b"); // back, outdated at the witness: it must not promote by itself
    awaitPair(
        () ->
            get().getStatus().getNodes().stream()
                .anyMatch(
                    n ->
                        n.getName().equals("node-b")
                            && n.getDiskState() == NodeDiskState.Outdated));

    annotate("hapair.io/force-promote", "node=node-b lose-writes-of=node-a since-epoch=0");
    await().atMost(T).until(() -> messages("ForcePromoteRefused").size() == 1);
    assertThat(messages("ForcePromoteRefused").get(0))
        .contains(
            "set hapair.io/force-promote: \"node=node-b lose-writes-of=node-a since-epoch=1\"");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-a");

    annotate("hapair.io/force-promote", "node=node-b lose-writes-of=node-a since-epoch=1");
    awaitPair(() -> "node-b".equals(get().getStatus().getPrimary()));
    await().atMost(T).until(() -> messages("ForcePromoted").size() == 1);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-b");
    await().atMost(T).until(() -> QemuIo.reads(uri(), 0x11, "0", "64k"));
  }

  private void annotate(String key, String value) {
    HAPair pair = get();
    if (pair.getMetadata().getAnnotations() == null) {
      pair.getMetadata().setAnnotations(new HashMap<>());
    }
    pair.getMetadata().getAnnotations().put(key, value);
    client.resource(pair).update();
  }

  private List<String> messages(String reason) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  /** Waits for the pair's condition; on a timeout, shows the pair and the agents' reports. */
  private void awaitPair(Callable<Boolean> condition) {
    try {
      await().atMost(T).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "\npair status: "
              + Serialization.asYaml(get().getStatus())
              + "\nreports: "
              + Serialization.asYaml(reports()),
          e);
    }
  }

  private void setMaintenance(boolean on) {
    HAPair pair = get();
    pair.getSpec().setMaintenance(on);
    client.resource(pair).update();
  }

  private String condition(String type) {
    HAPair p = get();
    return p == null || p.getStatus() == null
        ? null
        : p.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .map(c -> c.getStatus())
            .findFirst()
            .orElse(null);
  }

  private HAPair pair() throws IOException {
    exportPort = freePort();
    int replicationPort = freePort();
    for (String node : List.of("node-a", "node-b")) {
      try (RandomAccessFile disk =
          new RandomAccessFile(dir.resolve(node + ".img").toFile(), "rw")) {
        disk.setLength(SIZE);
      }
    }
    String yaml =
        """
        apiVersion: hapair.io/v1alpha1
        kind: HAPair
        metadata:
          name: db
          namespace: default
        spec:
          nodes:
            - name: node-a
              address: 127.0.0.2
              disk: %s
            - name: node-b
              address: 127.0.0.3
              disk: %s
          volume:
            disk: %s
            protocol: C
            port: %d
            initialSyncSource: node-a
          export:
            bind: Loopback
            tls: Disabled
            port: %d
          preferredPrimary: node-a
          failover:
            heartbeatInterval: 100ms
            missedHeartbeats: 5
            witness: Kubernetes
        """
            .formatted(
                dir.resolve("node-a.img"),
                dir.resolve("node-b.img"),
                dir.resolve("unused.img"),
                replicationPort,
                exportPort);
    return client.resources(HAPair.class).load(new ByteArrayInputStream(yaml.getBytes())).item();
  }

  private KubeAgent agent(String node) {
    KubernetesClient own = newClient();
    return new KubeAgent(
            own,
            own,
            new KubeAgent.Settings(
                node,
                INSTALL,
                dir.resolve("state-" + node),
                Duration.ofSeconds(2),
                "test",
                policy(),
                Set.of("default")),
            Clock.systemUTC())
        .start();
  }

  /** The test's disks are files in its temp directory; no commands. */
  private InstallPolicy policy() {
    return new InstallPolicy(false, DiskAllowList.of(List.of(dir + "/")));
  }

  private KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
  }

  private String uri() {
    return "nbd://127.0.0.1:" + exportPort + "/db";
  }

  private HAPair get() {
    return client.resources(HAPair.class).inNamespace("default").withName("db").get();
  }

  private HAPairStatus.Phase phase() {
    HAPair p = get();
    return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  private Lease lease() {
    return client
        .leases()
        .inNamespace(INSTALL)
        .withName(WitnessLease.name("default", "db", "db"))
        .get();
  }

  private List<HAPairNode> reports() {
    return client.resources(HAPairNode.class).inNamespace(INSTALL).list().getItems();
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
