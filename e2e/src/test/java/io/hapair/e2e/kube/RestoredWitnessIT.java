package io.hapair.e2e.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.agent.kube.KubeAgent;
import io.hapair.agent.meta.Role;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.HAPairOperator;
import io.hapair.operator.MockCluster;
import io.hapair.operator.OperatorSettings;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, section 1: an etcd backup restored after a failover must not let the old primary reuse
 * an epoch. node-a leads epoch 1 when the "backup" (a copy of the Lease) is taken; node-a dies,
 * node-b takes over at epoch 2 and takes writes; the Lease is restored to the copy (epoch 1,
 * primary node-a); node-a returns while node-b is away. node-a must not promote to a second epoch
 * 2; once node-b is back, both see the record is older than node-b's history and stop automation.
 */
@EnableKubernetesMockClient(crud = true)
class RestoredWitnessIT {
  static final String INSTALL = "hapair-system";
  static final Duration T = Duration.ofSeconds(30);
  static final long SIZE = 16L << 20;

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  Operator operator;
  KubeAgent agentA;
  KubeAgent agentB;

  @BeforeEach
  void start() {
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
            new Metrics() {});
    operator.start();
    agentA = agent("node-a");
    agentB = agent("node-b");
  }

  @AfterEach
  void stop() {
    for (KubeAgent agent : new KubeAgent[] {agentA, agentB}) {
      if (agent != null) {
        agent.close();
      }
    }
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void aNodeNamedByARestoredLeaseDoesNotPromoteAloneAndBothStopOnceThePeerIsBack()
      throws Exception {
    client.resource(pair()).create();
    await().atMost(T).until(() -> phase() == HAPairStatus.Phase.Healthy);
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-a");
    Lease backup = Serialization.clone(lease()); // the etcd backup: epoch 1, primary node-a

    agentA.close(); // node-a dies: node-b takes over at epoch 2 and takes writes
    agentA = null;
    await().atMost(T).until(() -> "node-b".equals(lease().getSpec().getHolderIdentity()));
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "2");
    volume(agentB).write(0, ByteBuffer.wrap(new byte[4096]), true).get(10, TimeUnit.SECONDS);

    agentB.close(); // node-b goes away
    agentB = null;
    assertThat(get().getMetadata().getAnnotations())
        .containsEntry("hapair.io/highest-epochs", "db=2");
    restore(backup);
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "1");
    // The operator sees a Lease older than the epoch it recorded: alarm, automation stopped.
    await().atMost(T).until(() -> "True".equals(condition("WitnessRolledBack")));
    assertThat(conditionMessage("WitnessRolledBack"))
        .contains("group db: the witness Lease is at epoch 1, older than epoch 2");
    await().atMost(T).until(() -> reasons().contains("WitnessRolledBack"));

    // node-a returns: the record names it and its own disk has seen only epoch 1.
    agentA = agent("node-a");
    await().atMost(T).until(() -> !agentA.volumes("default", "db").isEmpty());
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                volume(agentA).role() == Role.SECONDARY
                    && "1".equals(lease().getMetadata().getAnnotations().get(WitnessLease.EPOCH)));

    // node-b returns: its disk has seen epoch 2; the link tells node-a so too.
    agentB = agent("node-b");
    await().atMost(T).until(() -> !agentB.volumes("default", "db").isEmpty());
    await()
        .atMost(T)
        .until(
            () ->
                !volume(agentA).automaticFailover()
                    && !volume(agentB).automaticFailover()
                    && volume(agentA).fault() != null
                    && volume(agentB).fault() != null);
    assertThat(volume(agentA).fault()).contains("newer than the witness record's epoch 1");
    assertThat(volume(agentB).fault()).contains("older than epoch 2");
    assertThat(volume(agentA).role()).isEqualTo(Role.SECONDARY);
    assertThat(volume(agentB).role()).isEqualTo(Role.SECONDARY);
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "1");

    // The runbook: a person promotes the node with the newest data; the epoch moves past both.
    annotate("hapair.io/force-promote", "node=node-b lose-writes-of=node-a since-epoch=2");
    await().atMost(T).until(() -> volume(agentB).role() == Role.PRIMARY);
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "3");
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-b");
    await().atMost(T).until(() -> "False".equals(condition("WitnessRolledBack")));
  }

  @Test
  void aPersonConfirmsTheLeadOfANodeWhosePeerIsLost() throws Exception {
    client.resource(pair()).create();
    await().atMost(T).until(() -> phase() == HAPairStatus.Phase.Healthy);
    agentB.close(); // node-b is lost; node-a outdates it
    agentB = null;
    await()
        .atMost(T)
        .until(
            () ->
                "node-a"
                    .equals(lease().getMetadata().getAnnotations().get("hapair.io/up-to-date")));
    agentA.close(); // node-a's agent restarts while node-b is still away
    agentA = agent("node-a");
    await().atMost(T).until(() -> !agentA.volumes("default", "db").isEmpty());
    assertThat(volume(agentA).role()).isEqualTo(Role.SECONDARY);

    annotate("hapair.io/force-promote", "node=node-a lose-writes-of=node-b since-epoch=1");
    await().atMost(T).until(() -> volume(agentA).role() == Role.PRIMARY);
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "2");
  }

  private void restore(Lease backup) {
    Lease current = lease();
    Lease restored = Serialization.clone(backup);
    restored.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    client.resource(restored).update();
  }

  private void annotate(String key, String value) {
    HAPair pair = get();
    pair.getMetadata().getAnnotations().put(key, value);
    client.resource(pair).update();
  }

  private String condition(String type) {
    Condition c = conditionNamed(type);
    return c == null ? null : c.getStatus();
  }

  private String conditionMessage(String type) {
    Condition c = conditionNamed(type);
    return c == null ? null : c.getMessage();
  }

  private Condition conditionNamed(String type) {
    HAPair p = get();
    return p == null || p.getStatus() == null || p.getStatus().getConditions() == null
        ? null
        : p.getStatus().getConditions().stream()
            .filter(c -> type.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private List<String> reasons() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .map(Event::getReason)
        .toList();
  }

  private static ReplicatedVolume volume(KubeAgent agent) {
    return agent.volumes("default", "db").get(0);
  }

  private HAPair pair() throws IOException {
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
          annotations: {}
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
                freePort(),
                freePort());
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
