package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hapair.api.spec.Cidr;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.VirtualIP;
import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pair's Secret in the install namespace: the replication link's shared key and the NBD
 * export's CA bundle, server and client certificates. The replication key is generated once and
 * never rewritten, because both agents must keep agreeing on it; the certificates are valid {@link
 * PairCertificates#LEAF_VALIDITY} and move on to a new CA's before they expire ({@link
 * CertificateRotation}). No CA key is stored: the agents, which may read this Secret, cannot mint a
 * certificate the pair trusts, and neither can anyone else.
 */
public final class PairSecret {
  private static final Logger log = LoggerFactory.getLogger(PairSecret.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Clock clock;
  private final KubernetesClient client;
  private final String namespace;
  private final CertificateSource certificates;

  public PairSecret(KubernetesClient client, String namespace) {
    this(Clock.systemUTC(), client, namespace);
  }

  public PairSecret(Clock clock, KubernetesClient client, String namespace) {
    this(clock, client, namespace, CertificateSource.builtin());
  }

  /**
   * @param certificates with cert-manager, the Secret holds the replication key only and names the
   *     Secret cert-manager issues ({@link PairObjects#TLS_SECRET_ANNOTATION})
   */
  public PairSecret(
      Clock clock, KubernetesClient client, String namespace, CertificateSource certificates) {
    this.clock = clock;
    this.client = client;
    this.namespace = namespace;
    this.certificates = certificates;
  }

  /**
   * Creates the Secret unless {@code cached} (the operator's informer) already holds it; returns
   * whether it was created.
   */
  public boolean ensure(HAPair pair, Function<String, Secret> cached) {
    String name = PairNames.secret(pair);
    Secret existing = cached.apply(name);
    if (existing != null) {
      pointAtCertManager(pair, existing);
      return false;
    }
    // An install from before hashed names: keep its key and certificates, or the agents lose the
    // link. Only a Secret that carries this pair's UID is ours (the old names collided).
    Secret legacy =
        cached.apply(
            PairObjects.legacySecretName(
                pair.getMetadata().getNamespace(), pair.getMetadata().getName()));
    boolean adopt = legacy != null && pair.getMetadata().getUid().equals(ownerOf(legacy));
    Secret made = build(pair, certificates.certManager() ? Map.of() : issue(pair));
    if (certificates.certManager()) {
      made.getMetadata()
          .getAnnotations()
          .put(PairObjects.TLS_SECRET_ANNOTATION, CertManagerCertificate.name(pair));
    }
    if (adopt) {
      made.setData(legacy.getData());
    }
    try {
      client.secrets().inNamespace(namespace).resource(made).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false; // made by a previous leader a moment ago
      }
      throw e;
    }
    log.info(
        "pair {}/{}: created Secret {}/{} ({})",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        namespace,
        name,
        adopt
            ? "key and certificates kept from " + legacy.getMetadata().getName()
            : "replication key, NBD certificates");
    return true;
  }

  /**
   * With cert-manager, a Secret made with the built-in CAs (before the source changed) is pointed
   * at cert-manager's Secret; the agents use it once cert-manager has issued it.
   */
  private void pointAtCertManager(HAPair pair, Secret existing) {
    if (!certificates.certManager()
        || !pair.getMetadata().getUid().equals(ownerOf(existing))
        || CertManagerCertificate.name(pair)
            .equals(
                existing.getMetadata().getAnnotations().get(PairObjects.TLS_SECRET_ANNOTATION))) {
      return;
    }
    Secret pointed = new SecretBuilder(existing).build();
    pointed
        .getMetadata()
        .getAnnotations()
        .put(PairObjects.TLS_SECRET_ANNOTATION, CertManagerCertificate.name(pair));
    client.secrets().inNamespace(namespace).resource(pointed).update();
    log.info(
        "pair {}/{}: Secret {}/{} now names cert-manager's Secret {}",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        namespace,
        existing.getMetadata().getName(),
        CertManagerCertificate.name(pair));
  }

  /**
   * Moves the pair's certificates on when a step is due (see {@link CertificateRotation}): at half
   * of their life a new CA is published in {@code ca-cert.pem} with the certificates it signed
   * waiting under {@code next-*}; {@link CertificateRotation#PUBLISHED_BEFORE_USE} later those
   * replace the ones in use. The replication key is never touched, and no CA key is kept. Returns
   * how long until the next step, or empty if the pair has no Secret of its own yet.
   */
  public Optional<Duration> renew(HAPair pair, Function<String, Secret> cached) {
    Secret current = cached.apply(PairNames.secret(pair));
    if (certificates.certManager()) {
      return Optional.empty(); // cert-manager renews its certificates
    }
    if (current == null
        || !pair.getMetadata().getUid().equals(ownerOf(current))
        || current.getData() == null
        || !current.getData().containsKey(PairCertificates.SERVER_CERT)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    try {
      Map<String, String> files = tlsFiles(current);
      CertificateRotation.Due due = due(files);
      if (now.isBefore(due.at())) {
        return Optional.of(Duration.between(now, due.at()));
      }
      Map<String, String> next =
          due.step() == CertificateRotation.Step.PUBLISH
              ? CertificateRotation.publish(files, issue(pair), now)
              : CertificateRotation.switchOver(files, now);
      Map<String, String> data = new TreeMap<>(current.getData());
      files.keySet().forEach(data::remove);
      next.forEach((file, pem) -> data.put(file, encoded(pem)));
      // resourceVersion kept: a concurrent write makes this fail, and the next reconcile retries
      client
          .secrets()
          .inNamespace(namespace)
          .resource(new SecretBuilder(current).withData(data).build())
          .update();
      CertificateRotation.Due following = due(next);
      log.info(
          "pair {}/{}: certificates in Secret {}/{}: {} (server certificate serial {}{}), next"
              + " step {} at {}",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          namespace,
          current.getMetadata().getName(),
          due.step() == CertificateRotation.Step.PUBLISH
              ? "published a new CA, its certificates wait for the switch"
              : "switched to the certificates of the newer CA",
          PairCertificates.readCertificate(next.get(PairCertificates.SERVER_CERT))
              .getSerialNumber()
              .toString(16),
          due.step() == CertificateRotation.Step.PUBLISH ? " still in use" : "",
          following.step(),
          following.at());
      return Optional.of(Duration.between(now, following.at()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CertificateRotation.Due due(Map<String, String> files) throws IOException {
    String waiting = files.get(CertificateRotation.NEXT + PairCertificates.SERVER_CERT);
    return CertificateRotation.due(
        PairCertificates.readCertificate(files.get(PairCertificates.SERVER_CERT)),
        waiting == null ? null : PairCertificates.readCertificate(waiting));
  }

  /** The Secret's certificate files (PEM text by key): everything but the replication key. */
  private static Map<String, String> tlsFiles(Secret secret) throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String key : secret.getData().keySet()) {
      if (!PairObjects.REPLICATION_KEY.equals(key)) {
        files.put(key, decoded(secret, key));
      }
    }
    return files;
  }

  /**
   * Why the pair cannot have its Secret: one at its name carries another pair's UID (left by a
   * deleted pair, or made by hand). Null if none.
   */
  public String conflict(HAPair pair, Function<String, Secret> cached) {
    String name = PairNames.secret(pair);
    Secret existing = cached.apply(name);
    String owner = existing == null ? null : ownerOf(existing);
    if (existing == null || pair.getMetadata().getUid().equals(owner)) {
      return null;
    }
    return "the Secret "
        + namespace
        + "/"
        + name
        + " belongs to pair UID "
        + owner
        + ", not "
        + pair.getMetadata().getUid()
        + "; nothing is shared or overwritten: delete that Secret if its pair is gone";
  }

  /** Deletes the pair's Secrets (also one with the name from before hashing) that carry its UID. */
  public void delete(HAPair pair) {
    for (String name :
        List.of(
            PairNames.secret(pair),
            PairObjects.legacySecretName(
                pair.getMetadata().getNamespace(), pair.getMetadata().getName()))) {
      Secret s = client.secrets().inNamespace(namespace).withName(name).get();
      if (s != null && pair.getMetadata().getUid().equals(ownerOf(s))) {
        client.resource(s).delete();
      } else if (s != null) {
        log.warn(
            "pair {}/{}: Secret {}/{} belongs to pair UID {}: left alone",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            namespace,
            name,
            ownerOf(s));
      }
    }
  }

  private static String ownerOf(Secret s) {
    return s.getMetadata().getAnnotations() == null
        ? null
        : s.getMetadata().getAnnotations().get(PairObjects.PAIR_UID);
  }

  private Map<String, String> issue(HAPair pair) {
    try {
      return PairCertificates.create(
          pair.getMetadata().getName(), serverNames(pair), clock.instant());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Secret build(HAPair pair, Map<String, String> files) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    Map<String, String> data = new TreeMap<>();
    data.put(PairObjects.REPLICATION_KEY, Base64.getEncoder().encodeToString(key));
    files.forEach((file, pem) -> data.put(file, encoded(pem)));
    return secret(pair, PairNames.secret(pair), data);
  }

  private static String encoded(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  private static String decoded(Secret secret, String key) throws IOException {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    if (value == null) {
      throw new IOException("Secret " + secret.getMetadata().getName() + " has no " + key);
    }
    return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
  }

  private Secret secret(HAPair pair, String name, Map<String, String> data) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(Map.of(PairNames.PAIR_LABEL, PairNames.pairLabel(pair)))
        .addToAnnotations(PairObjects.PAIR_UID, pair.getMetadata().getUid())
        .addToAnnotations(PairObjects.PAIR_NAMESPACE, pair.getMetadata().getNamespace())
        .addToAnnotations(PairObjects.PAIR_NAME, pair.getMetadata().getName())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** The names clients reach the export by: every virtual IP, and loopback for local clients. */
  static List<String> serverNames(HAPair pair) {
    List<String> names = new ArrayList<>();
    for (GroupSpec group : GroupSpec.of(pair.getMetadata().getName(), pair.getSpec())) {
      for (VirtualIP vip : group.virtualIPs()) {
        names.add(Cidr.parse(vip.getAddress()).address().getHostAddress());
      }
    }
    names.add("127.0.0.1");
    names.add("localhost");
    return names;
  }
}
