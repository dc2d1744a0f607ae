package io.hapair.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hapair.api.spec.PairObjects;
import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent takes a pair's certificates from the pair's Secret, or from the Secret cert-manager
 * issued when the pair's Secret names one, and only from a Secret carrying the pair's UID. The
 * cert-manager Secret is written here as cert-manager would (tls.crt, tls.key, ca.crt).
 */
@EnableKubernetesMockClient(crud = true)
class PairTlsIT {
  static final String INSTALL = "hapair-system";
  KubernetesClient client;

  @Test
  void builtInCertificatesComeFromThePairsSecret() throws IOException {
    Secret own = own(null);

    PairTls.Found found = PairTls.read(client, INSTALL, own, "uid-db");

    assertThat(found.data()).containsEntry(PairCertificates.SERVER_CERT, "c2VydmVy");
    assertThat(found.version()).isEqualTo(own.getMetadata().getResourceVersion());
  }

  @Test
  void certManagerCertificatesServeTheServerAndTheClients() throws IOException {
    Secret issued = issued("uid-db");
    Secret own = own("db-tls");

    PairTls.Found found = PairTls.read(client, INSTALL, own, "uid-db");

    assertThat(found.data())
        .containsEntry(PairCertificates.CA_CERT, "Y2E=")
        .containsEntry(PairCertificates.SERVER_CERT, "Y3J0")
        .containsEntry(PairCertificates.CLIENT_CERT, "Y3J0")
        .containsEntry(PairCertificates.SERVER_KEY, "a2V5")
        .containsEntry(PairCertificates.CLIENT_KEY, "a2V5");
    // A renewal by cert-manager changes the version the agent compares.
    assertThat(found.version()).endsWith("/" + issued.getMetadata().getResourceVersion());
  }

  @Test
  void aPairWaitsUntilCertManagerHasIssuedItsSecret() {
    Secret own = own("db-tls");

    assertThatThrownBy(() -> PairTls.read(client, INSTALL, own, "uid-db"))
        .isInstanceOf(IOException.class)
        .hasMessage("waiting for cert-manager to issue Secret hapair-system/db-tls");
  }

  @Test
  void aCertManagerSecretOfAnotherPairIsNotUsed() {
    issued("uid-other");
    Secret own = own("db-tls");

    assertThatThrownBy(() -> PairTls.read(client, INSTALL, own, "uid-db"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("belongs to pair UID uid-other");
  }

  private Secret own(String tlsSecret) {
    SecretBuilder b =
        new SecretBuilder()
            .withNewMetadata()
            .withName("hapair-default-db")
            .addToAnnotations(PairObjects.PAIR_UID, "uid-db")
            .endMetadata()
            .addToData(PairObjects.REPLICATION_KEY, "a2V5");
    if (tlsSecret == null) {
      b.addToData(PairCertificates.SERVER_CERT, "c2VydmVy");
    } else {
      b.editMetadata().addToAnnotations(PairObjects.TLS_SECRET_ANNOTATION, tlsSecret).endMetadata();
    }
    return client.secrets().inNamespace(INSTALL).resource(b.build()).create();
  }

  private Secret issued(String uid) {
    return client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db-tls")
                .addToAnnotations(PairObjects.PAIR_UID, uid)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "Y3J0", "tls.key", "a2V5", "ca.crt", "Y2E="))
                .build())
        .create();
  }
}
