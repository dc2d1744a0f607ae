package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.agent.meta.Role;
import io.hapair.agent.witness.KubernetesArbiter;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pair's real volumes with the witness record in a Lease on the mock API server, each node with
 * its own client as two agents would have.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseWitnessIT {
  static final String NS = "hapair-system";
  static final String LEASE = WitnessLease.name("default", "db", "vol");

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;
  PairHarness pair;
  KubernetesClient clientOfA;
  KubernetesClient clientOfB;

  @BeforeEach
  void start() throws Exception {
    client
        .leases()
        .resource(
            WitnessLease.initial(
                NS, "default", "db", PairHarness.PAIR, "vol", Set.of("node-a", "node-b")))
        .create();
    clientOfA = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    clientOfB = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    pair = new PairHarness(dir, Protocol.C, "lease key".getBytes());
    pair.autoFailover = true;
    pair.startInSync(
        new KubernetesArbiter(clientOfA, NS, LEASE, Duration.ofSeconds(1)),
        new KubernetesArbiter(clientOfB, NS, LEASE, Duration.ofSeconds(1)));
  }

  @AfterEach
  void stop() {
    pair.close();
    clientOfA.close();
    clientOfB.close();
  }

  private Lease lease() {
    return client.leases().inNamespace(NS).withName(LEASE).get();
  }

  @Test
  void theSecondaryTakesOverThroughTheLease() throws Exception {
    assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("node-a");
    QemuIo.write(pair.a.uri(), 7, "0", "64k");

    pair.a.crash();

    await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.volume.role() == Role.PRIMARY);
    Lease after = lease();
    assertThat(after.getSpec().getHolderIdentity()).isEqualTo("node-b");
    assertThat(after.getMetadata().getAnnotations())
        .containsEntry(WitnessLease.EPOCH, "2")
        .containsEntry(WitnessLease.UP_TO_DATE, "node-b");
  }

  @Test
  void aLeaseRecreatedAtEpochZeroStopsTheTakeover() throws Exception {
    client.leases().inNamespace(NS).withName(LEASE).delete();
    await().atMost(Duration.ofSeconds(5)).until(() -> lease() == null);
    client
        .leases()
        .resource(
            WitnessLease.initial(
                NS, "default", "db", PairHarness.PAIR, "vol", Set.of("node-a", "node-b")))
        .create();

    pair.a.crash();

    // node-b has seen epoch 1: a record at epoch 0 is rolled back, so it does not promote.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> pair.b.volume.role() == Role.SECONDARY);
    assertThat(lease().getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "0");
  }
}
