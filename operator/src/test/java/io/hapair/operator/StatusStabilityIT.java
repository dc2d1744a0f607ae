package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.Condition;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A status write must not wake the operator again, and an unchanged pair is never rewritten. */
@EnableKubernetesMockClient(crud = true)
class StatusStabilityIT {
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
  void aStatusWriteDoesNotTriggerAnotherReconcile() {
    harness.create(harness.loadExample("active-passive.yaml", "quiet"));
    harness.awaitValid("quiet", "True");
    String resourceVersion = harness.get("quiet").getMetadata().getResourceVersion();
    int reconciles = harness.reconcileCount("quiet");

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> harness.reconcileCount("quiet") == reconciles);

    assertThat(harness.get("quiet").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void aReconcileThatChangesNothingWritesNothing() {
    harness.create(harness.loadExample("active-passive.yaml", "steady"));
    Condition before = harness.awaitValid("steady", "True");
    String resourceVersion = harness.get("steady").getMetadata().getResourceVersion();
    int reconciles = harness.reconcileCount("steady");

    // A new address on one of the pair's nodes wakes the reconciler for this pair.
    harness
        .client
        .nodes()
        .withName("node-a")
        .editStatus(
            n -> {
              n.getStatus()
                  .getAddresses()
                  .add(
                      new NodeAddressBuilder()
                          .withType("ExternalIP")
                          .withAddress("198.51.100.11")
                          .build());
              return n;
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.reconcileCount("steady") > reconciles);

    assertThat(harness.get("steady").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(harness.valid("steady").getLastTransitionTime())
        .isEqualTo(before.getLastTransitionTime());
  }
}
