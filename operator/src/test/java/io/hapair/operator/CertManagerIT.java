package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.common.tls.PairCertificates;
import io.hapair.operator.reconciler.HAPairReconciler;
import io.hapair.operator.resources.CertificateSource;
import io.hapair.operator.status.Conditions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code certificates.source: cert-manager} the operator issues no certificate itself: it
 * creates a cert-manager {@code Certificate} per pair and reports the pair waiting until the Secret
 * exists. There is no cert-manager in the mock API server: the test writes the Secret as
 * cert-manager's controller would (the name from {@code spec.secretName}, the labels and
 * annotations from {@code spec.secretTemplate}, {@code tls.crt}, {@code tls.key}, {@code ca.crt}),
 * standing in for cert-manager.
 */
@EnableKubernetesMockClient(crud = true)
class CertManagerIT {
  static final Duration T = Duration.ofSeconds(15);
  static final ResourceDefinitionContext CERTIFICATES =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Certificate")
          .withPlural("certificates")
          .withNamespaced(true)
          .build();
  static KubernetesMockServer server;
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness =
        new OperatorHarness(
            server,
            client,
            null,
            CertificateSource.certManager("hapair-ca", "ClusterIssuer", "cert-manager.io"));
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.stop();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void aPairGetsACertificateWaitsForItsSecretAndThenReportsItIssued() throws Exception {
    HAPair pair = harness.create(harness.loadExample("active-passive.yaml", "db"));
    harness.awaitValid("db", "True");
    String name = PairObjects.tlsSecretName(OperatorHarness.NAMESPACE, "db");

    await().atMost(T).until(() -> certificate(name) != null);
    GenericKubernetesResource certificate = certificate(name);
    Map<String, Object> spec =
        (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
    assertThat(spec).containsEntry("secretName", name);
    assertThat((Map<String, Object>) spec.get("issuerRef"))
        .containsEntry("name", "hapair-ca")
        .containsEntry("kind", "ClusterIssuer")
        .containsEntry("group", "cert-manager.io");
    assertThat((List<String>) spec.get("ipAddresses")).contains("192.0.2.100", "127.0.0.1");
    assertThat((List<String>) spec.get("usages")).contains("server auth", "client auth");
    assertThat(certificate.getMetadata().getAnnotations())
        .containsEntry(PairObjects.PAIR_UID, pair.getMetadata().getUid());

    Condition waiting = awaitCertificates("db", "False");
    assertThat(waiting.getReason()).isEqualTo(HAPairReconciler.WAITING_FOR_CERT_MANAGER);
    assertThat(waiting.getMessage()).contains(name).contains("ClusterIssuer hapair-ca");
    // The pair's own Secret holds the replication key and names cert-manager's; no CA of ours.
    Secret own =
        client
            .secrets()
            .inNamespace(OperatorHarness.INSTALL_NAMESPACE)
            .withName(PairObjects.secretName(OperatorHarness.NAMESPACE, "db"))
            .get();
    assertThat(own.getData())
        .containsKey(PairObjects.REPLICATION_KEY)
        .doesNotContainKeys(PairCertificates.CA_CERT, PairCertificates.SERVER_CERT);
    assertThat(own.getMetadata().getAnnotations())
        .containsEntry(PairObjects.TLS_SECRET_ANNOTATION, name);

    issueAsCertManagerWould(spec);

    Condition issued = awaitCertificates("db", "True");
    assertThat(issued.getReason()).isEqualTo("Issued");
    assertThat(issued.getMessage()).contains(name);
  }

  @Test
  void aDeletedPairTakesItsCertificateAndSecretAlong() throws Exception {
    harness.create(harness.loadExample("active-passive.yaml", "gone"));
    String name = PairObjects.tlsSecretName(OperatorHarness.NAMESPACE, "gone");
    await().atMost(T).until(() -> certificate(name) != null);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) certificate(name).getAdditionalProperties().get("spec");
    issueAsCertManagerWould(spec);
    awaitCertificates("gone", "True");

    client.resources(HAPair.class).inNamespace(OperatorHarness.NAMESPACE).withName("gone").delete();

    await().atMost(T).until(() -> harness.get("gone") == null);
    assertThat(certificate(name)).isNull();
    assertThat(client.secrets().inNamespace(OperatorHarness.INSTALL_NAMESPACE).withName(name).get())
        .isNull();
  }

  /** What cert-manager's controller writes for a Certificate: stands in for cert-manager. */
  @SuppressWarnings("unchecked")
  private static void issueAsCertManagerWould(Map<String, Object> spec) throws Exception {
    Map<String, String> files = PairCertificates.create("issued", List.of("192.0.2.100"));
    Map<String, Object> template = (Map<String, Object>) spec.get("secretTemplate");
    client
        .secrets()
        .inNamespace(OperatorHarness.INSTALL_NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName((String) spec.get("secretName"))
                .withLabels((Map<String, String>) template.get("labels"))
                .withAnnotations((Map<String, String>) template.get("annotations"))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(
                    Map.of(
                        "tls.crt", encoded(files.get(PairCertificates.SERVER_CERT)),
                        "tls.key", encoded(files.get(PairCertificates.SERVER_KEY)),
                        "ca.crt", encoded(files.get(PairCertificates.CA_CERT))))
                .build())
        .create();
  }

  private static String encoded(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private static GenericKubernetesResource certificate(String name) {
    return client
        .genericKubernetesResources(CERTIFICATES)
        .inNamespace(OperatorHarness.INSTALL_NAMESPACE)
        .withName(name)
        .get();
  }

  private static Condition certificates(String pair) {
    HAPair p = harness.get(pair);
    return p == null || p.getStatus() == null
        ? null
        : Conditions.find(p.getStatus().getConditions(), HAPairReconciler.CERTIFICATES);
  }

  private static Condition awaitCertificates(String pair, String status) {
    await()
        .atMost(T)
        .until(() -> certificates(pair) != null && status.equals(certificates(pair).getStatus()));
    return certificates(pair);
  }
}
