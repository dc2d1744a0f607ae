package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.HAPair;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator holds a finalizer on each pair and lets it go once cleanup has run. */
@EnableKubernetesMockClient(crud = true)
class DeletionIT {
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
  void aDeletedPairIsCleanedUpAndGone() {
    harness.create(harness.loadExample("active-passive.yaml", "doomed"));
    harness.awaitValid("doomed", "True");
    assertThat(harness.get("doomed").getMetadata().getFinalizers()).isNotEmpty();

    client
        .resources(HAPair.class)
        .inNamespace(OperatorHarness.NAMESPACE)
        .withName("doomed")
        .delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> harness.get("doomed") == null);
  }
}
