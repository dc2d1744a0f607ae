package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.witness.WitnessLease;
import io.hapair.operator.resources.PairSecret;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, section 2: pairs whose old dashed names collided get their own objects, an object at a
 * pair's name that carries another pair's UID is refused rather than shared or overwritten, and an
 * install from before hashed names keeps its key. The harness checks every object written here
 * against a real API server's rules (long namespaces and names included).
 */
@EnableKubernetesMockClient(crud = true)
class PairNamesIT {
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
  void pairsWhoseOldNamesCollidedGetTheirOwnSecretAndLeaseAndDeletingOneKeepsTheOther() {
    HAPair first = client.resource(example("team-db", "main")).create();
    HAPair second = client.resource(example("team", "db-main")).create();
    await()
        .atMost(T)
        .until(() -> secret("team-db", "main") != null && secret("team", "db-main") != null);
    await()
        .atMost(T)
        .until(() -> lease("team-db", "main") != null && lease("team", "db-main") != null);
    assertThat(owner(secret("team-db", "main"))).isEqualTo(first.getMetadata().getUid());
    assertThat(owner(secret("team", "db-main"))).isEqualTo(second.getMetadata().getUid());
    Map<String, String> firstKeys = secret("team-db", "main").getData();
    assertThat(firstKeys).isNotEqualTo(secret("team", "db-main").getData());

    client.resource(second).delete();
    await()
        .atMost(T)
        .until(() -> secret("team", "db-main") == null && lease("team", "db-main") == null);
    assertThat(secret("team-db", "main").getData()).isEqualTo(firstKeys);
    assertThat(lease("team-db", "main")).isNotNull();
  }

  @Test
  void aSecretAtThePairsNameOwnedByAnotherPairIsRefusedAndLeftAlone() {
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairObjects.secretName("default", "taken"))
                .withNamespace(INSTALL)
                .addToLabels(WitnessLease.PAIR_LABEL, "default.taken") // left by a deleted pair
                .addToAnnotations(PairObjects.PAIR_UID, "another-pair")
                .endMetadata()
                .addToData(PairObjects.REPLICATION_KEY, "b3RoZXI=")
                .build())
        .create();
    harness.create(example("default", "taken"));
    Condition valid = harness.awaitValid("taken", "False");
    assertThat(valid.getReason()).isEqualTo("NameTaken");
    assertThat(valid.getMessage())
        .contains(
            "metadata.name: the Secret "
                + INSTALL
                + "/"
                + PairObjects.secretName("default", "taken"))
        .contains("belongs to pair UID another-pair");
    assertThat(secret("default", "taken").getData())
        .containsExactly(Map.entry(PairObjects.REPLICATION_KEY, "b3RoZXI="));
  }

  @Test
  void anUpgradedInstallKeepsThePairsKeyFromItsOldSecretButNeverAnotherPairs() {
    PairSecret secrets = new PairSecret(client, INSTALL);
    HAPair ours = example("old", "db");
    ours.getMetadata().setUid("uid-ours");
    legacySecret("old", "db", "uid-ours", "b3Vycw==");
    secrets.ensure(ours, name -> client.secrets().inNamespace(INSTALL).withName(name).get());
    assertThat(secret("old", "db").getData())
        .containsEntry(PairObjects.REPLICATION_KEY, "b3Vycw==");
    assertThat(owner(secret("old", "db"))).isEqualTo("uid-ours");

    HAPair other = example("old-x", "db");
    other.getMetadata().setUid("uid-other");
    legacySecret("old-x", "db", "uid-someone-else", "dGhlaXJz");
    secrets.ensure(other, name -> client.secrets().inNamespace(INSTALL).withName(name).get());
    assertThat(secret("old-x", "db").getData())
        .doesNotContainEntry(PairObjects.REPLICATION_KEY, "dGhlaXJz");
  }

  @Test
  void theLongestNamespaceAndALongNameStillMakeObjectsARealApiServerAccepts() {
    String ns = "n".repeat(63);
    String name = "p".repeat(120) + ".q";
    client.resource(example(ns, name)).create();
    await().atMost(T).until(() -> secret(ns, name) != null && lease(ns, name) != null);
    assertThat(lease(ns, name).getMetadata().getLabels().get(WitnessLease.PAIR_LABEL))
        .hasSizeLessThanOrEqualTo(63);
  }

  private void legacySecret(String ns, String name, String uid, String key) {
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairObjects.legacySecretName(ns, name))
                .withNamespace(INSTALL)
                .addToLabels(WitnessLease.PAIR_LABEL, ns + "." + name)
                .addToAnnotations(PairObjects.PAIR_UID, uid)
                .endMetadata()
                .addToData(PairObjects.REPLICATION_KEY, key)
                .build())
        .create();
  }

  private HAPair example(String ns, String name) {
    HAPair pair = harness.loadExample("active-passive.yaml", name);
    pair.getMetadata().setNamespace(ns);
    return pair;
  }

  private static String owner(Secret s) {
    return s.getMetadata().getAnnotations().get(PairObjects.PAIR_UID);
  }

  private static Secret secret(String ns, String name) {
    return client.secrets().inNamespace(INSTALL).withName(PairObjects.secretName(ns, name)).get();
  }

  private static Lease lease(String ns, String name) {
    return client.leases().inNamespace(INSTALL).withName(WitnessLease.name(ns, name, name)).get();
  }
}
