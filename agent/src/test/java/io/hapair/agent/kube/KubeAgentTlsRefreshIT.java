package io.hapair.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.tls.PairCertificates;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running pair's TLS files follow its Secret: when the operator renews the certificates, the
 * agent writes the new files (where the NBD server reads them at the next handshake) without
 * restarting the pair; a Secret that another pair's UID took over is never written out.
 */
@EnableKubernetesMockClient(crud = true)
class KubeAgentTlsRefreshIT {
  static final String INSTALL = "hapair-system";
  static final Duration T = Duration.ofSeconds(30);
  static final List<String> NAMES = List.of("127.0.0.1");
  KubernetesClient client;
  @TempDir Path dir;
  KubeAgent agent;
  HAPair pair;

  @BeforeEach
  void start() throws Exception {
    for (String node : List.of("a", "b")) {
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve(node + ".img").toFile(), "rw")) {
        f.setLength(1 << 20);
      }
    }
    HAPair made =
        Serialization.unmarshal(
            """
            apiVersion: hapair.io/v1alpha1
            kind: HAPair
            metadata:
              name: db
              namespace: default
            spec:
              nodes:
                - {name: node-a, address: 127.0.41.2, disk: %s}
                - {name: node-b, address: 127.0.41.3, disk: %s}
              volume: {disk: %s, port: 17341}
              export: {bind: Loopback, tls: Required, port: 17342}
            """
                .formatted(dir.resolve("a.img"), dir.resolve("b.img"), dir.resolve("b.img")),
            HAPair.class);
    made.getMetadata().setLabels(Map.of(NodeLabels.forNode("node-a"), "true"));
    pair = client.resource(made).create();
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairObjects.secretName("default", "db"))
                .withAnnotations(Map.of(PairObjects.PAIR_UID, pair.getMetadata().getUid()))
                .endMetadata()
                .withData(
                    data(
                        PairCertificates.create("db", NAMES),
                        PairObjects.REPLICATION_KEY,
                        "a test key of 32 bytes or more."))
                .build())
        .create();
    Condition valid = new Condition("Valid", "True", "Valid", "the spec is valid");
    valid.setObservedGeneration(pair.getMetadata().getGeneration());
    HAPairStatus status = new HAPairStatus();
    status.setConditions(List.of(valid));
    pair.setStatus(status);
    client.resource(pair).updateStatus();
    client
        .leases()
        .inNamespace(INSTALL)
        .resource(
            WitnessLease.initial(
                INSTALL,
                "default",
                "db",
                pair.getMetadata().getUid(),
                "db",
                Set.of("node-a", "node-b")))
        .create();
    agent =
        new KubeAgent(
                client,
                client,
                new KubeAgent.Settings(
                    "node-a",
                    INSTALL,
                    dir.resolve("state"),
                    Duration.ofSeconds(2),
                    "test",
                    new InstallPolicy(false, DiskAllowList.of(List.of(dir + "/"))),
                    Set.of(),
                    Duration.ofMillis(200)),
                Clock.systemUTC())
            .start();
    await().atMost(T).until(() -> !agent.volumes("default", "db").isEmpty());
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void renewedCertificatesAreWrittenWithoutRestartingThePair() throws Exception {
    Path tls = agent.tlsDir("default", "db");
    var volume = agent.volumes("default", "db").get(0);
    String oldCa = Files.readString(tls.resolve(PairCertificates.CA_CERT));
    Map<String, String> renewed = PairCertificates.create("db", NAMES);

    update(
        secret -> {
          Map<String, String> files = new TreeMap<>(renewed);
          files.put(PairCertificates.CA_CERT, renewed.get(PairCertificates.CA_CERT) + oldCa);
          secret.getData().putAll(data(files, null, null));
        });

    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(tls.resolve(PairCertificates.SERVER_CERT))
                    .hasContent(renewed.get(PairCertificates.SERVER_CERT)));
    assertThat(tls.resolve(PairCertificates.SERVER_KEY))
        .hasContent(renewed.get(PairCertificates.SERVER_KEY));
    assertThat(tls.resolve(PairCertificates.CA_CERT))
        .hasContent(renewed.get(PairCertificates.CA_CERT) + oldCa);
    // The same pair keeps running: no restart for a renewal.
    assertThat(agent.volumes("default", "db")).containsExactly(volume);
  }

  @Test
  void aSecretTakenOverByAnotherPairIsNotWrittenOut() throws Exception {
    Path tls = agent.tlsDir("default", "db");
    String before = Files.readString(tls.resolve(PairCertificates.SERVER_CERT));
    Map<String, String> foreign = PairCertificates.create("db", NAMES);

    Secret changed =
        update(
            secret -> {
              secret.getMetadata().getAnnotations().put(PairObjects.PAIR_UID, "someone-else");
              secret.getData().putAll(data(foreign, null, null));
            });

    // The agent has looked at that version of the Secret ...
    await()
        .atMost(T)
        .until(
            () ->
                changed
                    .getMetadata()
                    .getResourceVersion()
                    .equals(agent.secretVersionSeen("default", "db")));
    // ... and kept the pair's own certificates.
    assertThat(tls.resolve(PairCertificates.SERVER_CERT)).hasContent(before);
  }

  @Test
  void certificatesIssuedByCertManagerAreWrittenAndFollowed() throws Exception {
    Path tls = agent.tlsDir("default", "db");
    Map<String, String> first = PairCertificates.create("db", NAMES);
    issueAsCertManagerWould(first);
    update(
        secret ->
            secret.getMetadata().getAnnotations().put(PairObjects.TLS_SECRET_ANNOTATION, "db-tls"));

    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(tls.resolve(PairCertificates.SERVER_CERT))
                    .hasContent(first.get(PairCertificates.SERVER_CERT)));
    assertThat(tls.resolve(PairCertificates.CLIENT_KEY))
        .hasContent(first.get(PairCertificates.SERVER_KEY));
    assertThat(tls.resolve(PairCertificates.CA_CERT))
        .hasContent(first.get(PairCertificates.CA_CERT));

    // cert-manager renews: the Secret changes, the files follow.
    Map<String, String> renewed = PairCertificates.create("db", NAMES);
    client
        .secrets()
        .inNamespace(INSTALL)
        .withName("db-tls")
        .edit(
            s -> {
              s.getData().putAll(certManagerData(renewed));
              return s;
            });
    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(tls.resolve(PairCertificates.SERVER_CERT))
                    .hasContent(renewed.get(PairCertificates.SERVER_CERT)));
  }

  /** The Secret cert-manager writes for a Certificate: stands in for cert-manager here. */
  private void issueAsCertManagerWould(Map<String, String> files) {
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("db-tls")
                .withAnnotations(Map.of(PairObjects.PAIR_UID, pair.getMetadata().getUid()))
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(certManagerData(files))
                .build())
        .create();
  }

  private static Map<String, String> certManagerData(Map<String, String> files) {
    Map<String, String> data = new TreeMap<>();
    data.put("tls.crt", base64(files.get(PairCertificates.SERVER_CERT)));
    data.put("tls.key", base64(files.get(PairCertificates.SERVER_KEY)));
    data.put("ca.crt", base64(files.get(PairCertificates.CA_CERT)));
    return data;
  }

  private static String base64(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private Secret update(Consumer<Secret> change) {
    return client
        .secrets()
        .inNamespace(INSTALL)
        .withName(PairObjects.secretName("default", "db"))
        .edit(
            s -> {
              change.accept(s);
              return s;
            });
  }

  private static Map<String, String> data(Map<String, String> files, String key, String value) {
    Map<String, String> data = new TreeMap<>();
    files.forEach(
        (file, pem) ->
            data.put(
                file, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))));
    if (key != null) {
      data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.US_ASCII)));
    }
    return data;
  }
}
