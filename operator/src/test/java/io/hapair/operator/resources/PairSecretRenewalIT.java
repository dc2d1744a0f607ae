package io.hapair.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the pair's certificates are valid one year and move on to a new CA's before they
 * expire, the new CA trusted before its certificates are used and the old one until it expires; the
 * replication key never changes, and no CA key is kept in any Secret (the agents can read the
 * pair's Secrets, see the chart's RBAC in ChartTest).
 */
@EnableKubernetesMockClient(crud = true)
class PairSecretRenewalIT {
  static final String INSTALL = "hapair-system";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration HALF_LIFE = PairCertificates.LEAF_VALIDITY.dividedBy(2);
  KubernetesClient client;
  HAPair pair;
  List<X509Certificate> everyCa = new ArrayList<>();

  @BeforeEach
  void loadPair() {
    pair =
        client
            .resources(HAPair.class)
            .load(Path.of("../manifests/examples/active-passive.yaml").toFile())
            .item();
    pair.getMetadata().setNamespace("team");
    pair.getMetadata().setName("db");
    pair.getMetadata().setUid("uid-db");
  }

  @Test
  void aFreshSecretIsNotTouchedAndItsNewCaIsDueAtHalfLife() throws IOException {
    at(START).ensure(pair, this::live);
    Map<String, String> before = secret().getData();
    X509Certificate server = cert(before, PairCertificates.SERVER_CERT);
    assertThat(
            Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()))
        .isEqualTo(PairCertificates.LEAF_VALIDITY.plusHours(1));

    Optional<Duration> next = at(START.plus(Duration.ofDays(100))).renew(pair, this::live);

    assertThat(secret().getData()).isEqualTo(before);
    // half of (365 days + the hour of backdating), counted from an hour before START
    assertThat(next)
        .contains(
            PairCertificates.LEAF_VALIDITY.plusHours(1).dividedBy(2).minusHours(1).minusDays(100));
  }

  @Test
  void atHalfLifeANewCaIsTrustedFirstAndItsCertificatesWait() throws Exception {
    at(START).ensure(pair, this::live);
    Map<String, String> before = secret().getData();
    X509Certificate oldCa = cert(before, PairCertificates.CA_CERT);
    Instant publish = START.plus(HALF_LIFE);

    Optional<Duration> next = at(publish).renew(pair, this::live);

    Map<String, String> after = secret().getData();
    assertThat(after.get(PairObjects.REPLICATION_KEY))
        .isEqualTo(before.get(PairObjects.REPLICATION_KEY));
    for (String file : CertificateRotation.LEAF_FILES) {
      assertThat(after.get(file)).as(file + " still in use").isEqualTo(before.get(file));
    }
    List<X509Certificate> bundle = cas(after);
    assertThat(bundle).hasSize(2);
    assertThat(bundle.get(1)).isEqualTo(oldCa);
    X509Certificate newCa = bundle.get(0);
    assertThat(newCa.getSubjectX500Principal()).isNotEqualTo(oldCa.getSubjectX500Principal());
    for (String file : List.of(PairCertificates.SERVER_CERT, PairCertificates.CLIENT_CERT)) {
      X509Certificate waiting = cert(after, CertificateRotation.NEXT + file);
      waiting.verify(newCa.getPublicKey());
      assertThat(waiting.getNotBefore().toInstant()).isEqualTo(publish.minus(Duration.ofHours(1)));
    }
    assertThat(next).contains(CertificateRotation.PUBLISHED_BEFORE_USE);
  }

  @Test
  void theSwitchUsesTheNewCertificatesWhichClientsOfEitherBundleTrust() throws Exception {
    at(START).ensure(pair, this::live);
    Map<String, String> first = secret().getData();
    Instant publish = START.plus(HALF_LIFE);
    at(publish).renew(pair, this::live);
    Map<String, String> published = secret().getData();
    Instant use = publish.plus(CertificateRotation.PUBLISHED_BEFORE_USE);

    assertThat(at(use.minusSeconds(1)).renew(pair, this::live)).contains(Duration.ofSeconds(1));
    assertThat(secret().getData()).isEqualTo(published);
    at(use).renew(pair, this::live);

    Map<String, String> switched = secret().getData();
    assertThat(switched).doesNotContainKeys(nextFiles());
    for (String file : CertificateRotation.LEAF_FILES) {
      assertThat(switched.get(file)).isEqualTo(published.get(CertificateRotation.NEXT + file));
    }
    X509Certificate server = cert(switched, PairCertificates.SERVER_CERT);
    // A client that fetched ca-cert.pem since the publish trusts the new server certificate ...
    assertThat(trusted(cas(published), server, use)).isTrue();
    // ... and the server still trusts a client certificate from before the rotation.
    assertThat(trusted(cas(switched), cert(first, PairCertificates.CLIENT_CERT), use)).isTrue();
    assertThat(switched.get(PairObjects.REPLICATION_KEY))
        .isEqualTo(first.get(PairObjects.REPLICATION_KEY));
  }

  @Test
  void eachCaIsReplacedBeforeItExpiresAndLeavesTheBundleWithItsCertificates() throws Exception {
    at(START).ensure(pair, this::live);
    X509Certificate firstCa = cert(secret().getData(), PairCertificates.CA_CERT);
    everyCa.add(firstCa);
    Instant now = START;
    // Two years of reconciles, each at the time the operator asked to be called again.
    for (int step = 0; step < 8; step++) {
      Optional<Duration> next = at(now).renew(pair, this::live);
      assertThat(next).isPresent();
      Map<String, String> data = secret().getData();
      everyCa.addAll(cas(data));
      X509Certificate server = cert(data, PairCertificates.SERVER_CERT);
      assertThat(now).as("serving a valid certificate").isBefore(server.getNotAfter().toInstant());
      assertThat(trusted(cas(data), server, now)).isTrue();
      Instant then = now;
      assertThat(cas(data))
          .allSatisfy(ca -> assertThat(then).isBefore(ca.getNotAfter().toInstant()));
      now = now.plus(next.get());
    }
    assertThat(now).isAfter(START.plus(PairCertificates.LEAF_VALIDITY.multipliedBy(2)));
    // The first CA expired on schedule and is gone; the bundle never grows past two CAs.
    assertThat(cas(secret().getData())).doesNotContain(firstCa).hasSizeLessThanOrEqualTo(2);
    assertThat(everyCa.stream().distinct().count()).isGreaterThanOrEqualTo(4);
    assertNoSecretHoldsTheKeyOfAnyCa();
  }

  @Test
  void aLateOperatorSwitchesADayBeforeTheCertificatesExpire() throws Exception {
    at(START).ensure(pair, this::live);
    Instant late = START.plus(PairCertificates.LEAF_VALIDITY).minus(Duration.ofDays(10));
    X509Certificate server = cert(secret().getData(), PairCertificates.SERVER_CERT);

    Optional<Duration> next = at(late).renew(pair, this::live);

    assertThat(next)
        .contains(
            Duration.between(
                late, server.getNotAfter().toInstant().minus(CertificateRotation.SWITCH_MARGIN)));
  }

  @Test
  void aSecretOfAnotherPairIsNeverRenewed() {
    at(START).ensure(pair, this::live);
    Map<String, String> before = secret().getData();
    pair.getMetadata().setUid("uid-someone-else");

    Optional<Duration> next = at(START.plus(Duration.ofDays(300))).renew(pair, this::live);

    assertThat(next).isEmpty();
    assertThat(secret().getData()).isEqualTo(before);
  }

  @Test
  void aTenYearSecretPublishesANewCaAtOnceAndKeepsItsReplicationKey() throws Exception {
    Map<String, String> old = PairCertificates.create("db", PairSecret.serverNames(pair));
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairNames.secret(pair))
                .addToAnnotations(PairObjects.PAIR_UID, "uid-db")
                .endMetadata()
                .addToData(PairObjects.REPLICATION_KEY, "a2V5")
                .addToData(encoded(old))
                .build())
        .create();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // certificates hold seconds

    Optional<Duration> next = at(now).renew(pair, this::live);

    Map<String, String> after = secret().getData();
    assertThat(after).containsEntry(PairObjects.REPLICATION_KEY, "a2V5");
    assertThat(decoded(after, PairCertificates.CA_CERT))
        .endsWith(old.get(PairCertificates.CA_CERT));
    assertThat(after.get(PairCertificates.SERVER_CERT))
        .isEqualTo(encoded(old).get(PairCertificates.SERVER_CERT));
    cert(after, CertificateRotation.NEXT + PairCertificates.SERVER_CERT)
        .verify(cas(after).get(0).getPublicKey());
    assertThat(next).contains(CertificateRotation.PUBLISHED_BEFORE_USE);
    everyCa.addAll(cas(after));
    assertNoSecretHoldsTheKeyOfAnyCa();
  }

  /** No private key in any Secret of any namespace is the key of a CA the pair ever trusted. */
  private void assertNoSecretHoldsTheKeyOfAnyCa() throws Exception {
    int keys = 0;
    for (Secret s : client.secrets().inAnyNamespace().list().getItems()) {
      for (Map.Entry<String, String> e : s.getData().entrySet()) {
        PrivateKey key = privateKey(Base64.getDecoder().decode(e.getValue()));
        if (key == null) {
          continue;
        }
        keys++;
        for (X509Certificate ca : everyCa) {
          assertThat(signs(key, ca))
              .as("%s in Secret %s is the key of %s", e.getKey(), s.getMetadata().getName(), ca)
              .isFalse();
        }
      }
    }
    assertThat(keys).as("the leaf keys were looked at").isGreaterThanOrEqualTo(2);
  }

  private static PrivateKey privateKey(byte[] pem) throws IOException {
    try (PEMParser parser =
        new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
      Object o = parser.readObject();
      return o instanceof PrivateKeyInfo info ? new JcaPEMKeyConverter().getPrivateKey(info) : null;
    } catch (IOException notPem) {
      return null;
    }
  }

  private static boolean signs(PrivateKey key, X509Certificate cert)
      throws GeneralSecurityException {
    byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }

  private static boolean trusted(List<X509Certificate> bundle, X509Certificate cert, Instant at) {
    if (!at.isBefore(cert.getNotAfter().toInstant())) {
      return false;
    }
    for (X509Certificate ca : bundle) {
      try {
        if (ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())
            && at.isBefore(ca.getNotAfter().toInstant())) {
          cert.verify(ca.getPublicKey());
          return true;
        }
      } catch (GeneralSecurityException e) {
        // not this one
      }
    }
    return false;
  }

  private static String[] nextFiles() {
    return CertificateRotation.LEAF_FILES.stream()
        .map(f -> CertificateRotation.NEXT + f)
        .toArray(String[]::new);
  }

  private PairSecret at(Instant now) {
    return new PairSecret(Clock.fixed(now, ZoneOffset.UTC), client, INSTALL);
  }

  private Secret live(String name) {
    return client.secrets().inNamespace(INSTALL).withName(name).get();
  }

  private Secret secret() {
    return live(PairNames.secret(pair));
  }

  private static Map<String, String> encoded(Map<String, String> files) {
    Map<String, String> data = new TreeMap<>();
    files.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes())));
    return data;
  }

  private static String decoded(Map<String, String> data, String file) {
    return new String(Base64.getDecoder().decode(data.get(file)));
  }

  private static X509Certificate cert(Map<String, String> data, String file) throws IOException {
    return PairCertificates.readCertificate(decoded(data, file));
  }

  private static List<X509Certificate> cas(Map<String, String> data) throws IOException {
    return PairCertificates.readCertificates(decoded(data, PairCertificates.CA_CERT));
  }
}
