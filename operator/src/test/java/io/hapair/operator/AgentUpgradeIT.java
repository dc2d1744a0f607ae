package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.witness.WitnessLease;
import java.time.Duration;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent upgrade rolled by the operator: the DaemonSet controller's part (new pods) and the
 * agents' part (their reports) are played by the test; the operator restarts the secondary's agent
 * first, switches the pair over, then restarts the old primary's.
 */
@EnableKubernetesMockClient(crud = true)
class AgentUpgradeIT {
  static final String INSTALL = OperatorHarness.INSTALL_NAMESPACE;
  static final Duration T = Duration.ofSeconds(20);
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

  @Test
  void theSecondaryFirstThenASwitchoverThenTheOldPrimary() {
    client.apps().daemonSets().resource(daemonSet("agent:1")).create();
    DaemonSet agents = scheduled(2);
    long oldGeneration = agents.getMetadata().getGeneration();
    agentPod(agents, "agent-a", "node-a", oldGeneration);
    agentPod(agents, "agent-b", "node-b", oldGeneration);
    HAPair pair = harness.create(harness.loadExample("active-passive.yaml", "up"));
    String uid = pair.getMetadata().getUid();
    // The reports follow the witness record, as the agents' do: it must exist first.
    await()
        .atMost(T)
        .until(
            () ->
                client
                        .leases()
                        .inNamespace(INSTALL)
                        .withName(WitnessLease.name(OperatorHarness.NAMESPACE, "up", "up"))
                        .get()
                    != null);
    report(uid, "node-a", "Primary", 1);
    report(uid, "node-b", "Secondary", 1);
    await().atMost(T).until(() -> phase() == HAPairStatus.Phase.Healthy);

    client.apps().daemonSets().resource(daemonSet("agent:2")).update();
    DaemonSet updated = scheduled(2);
    long newGeneration = updated.getMetadata().getGeneration();
    assertThat(newGeneration).isGreaterThan(oldGeneration);

    // 1. The secondary's agent goes first; the primary's stays.
    await().atMost(T).until(() -> pod("agent-b") == null);
    assertThat(pod("agent-a")).isNotNull();
    // Until node-b has an agent again, nothing is switched over to it (no memory of the delete:
    // the DaemonSet counts two agents and one exists).
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> switchoverTarget() == null && pod("agent-a") != null);
    agentPod(updated, "agent-b2", "node-b", newGeneration); // the DaemonSet controller's part

    // 2. Then the pair is switched over to the upgraded node...
    await().atMost(T).until(() -> "node-b".equals(switchoverTarget()));
    report(uid, "node-b", "Primary", 2); // the agents' part
    report(uid, "node-a", "Secondary", 2);

    // 3. ...and the old primary's agent restarts once it leads nothing.
    try {
      await().atMost(T).until(() -> pod("agent-a") == null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(Serialization.asYaml(harness.get("up")), e);
    }
    assertThat(switchoverTarget()).isNull();
    agentPod(updated, "agent-a2", "node-a", newGeneration);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(T)
        .until(() -> pod("agent-a2") != null && pod("agent-b2") != null);
  }

  /** The DaemonSet controller's count of the agents it schedules (one per labelled node). */
  static DaemonSet scheduled(int agents) {
    return client
        .apps()
        .daemonSets()
        .inNamespace(INSTALL)
        .withName("hapair-agent")
        .editStatus(
            ds -> {
              ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(agents).build());
              return ds;
            });
  }

  static DaemonSet daemonSet(String image) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("hapair-agent")
        .withNamespace(INSTALL)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", "hapair-agent")
        .endSelector()
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "hapair-agent")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("agent")
        .withImage(image)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  static void agentPod(DaemonSet owner, String name, String node, long generation) {
    client
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(INSTALL)
                .addToLabels("app", "hapair-agent")
                .addToLabels("pod-template-generation", String.valueOf(generation))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("DaemonSet")
                        .withName(owner.getMetadata().getName())
                        .withUid(owner.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("agent")
                .withImage("agent")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  static Pod pod(String name) {
    return client.pods().inNamespace(INSTALL).withName(name).get();
  }

  static HAPairStatus.Phase phase() {
    HAPair p = harness.get("up");
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  static String switchoverTarget() {
    Map<String, String> a = harness.get("up").getMetadata().getAnnotations();
    return a == null ? null : a.get("hapair.io/switchover-to");
  }

  static void report(String uid, String node, String role, long epoch) {
    harness.report(uid, "up", node, OperatorHarness.group("up", role, epoch, "Connected", 0));
  }
}
