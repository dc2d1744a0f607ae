package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pair's cert-manager {@code Certificate} (cert-manager.io/v1, as a generic resource: no
 * cert-manager client library) in the install namespace, and the Secret cert-manager issues for it:
 * one certificate for both the NBD server and its clients (server and client auth), with {@code
 * ca.crt} as the CA clients and the server trust. cert-manager renews it; the agents follow the
 * Secret as they follow the built-in one.
 */
public final class CertManagerCertificate {
  private static final Logger log = LoggerFactory.getLogger(CertManagerCertificate.class);

  static final ResourceDefinitionContext CERTIFICATES =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Certificate")
          .withPlural("certificates")
          .withNamespaced(true)
          .build();

  /** The keys cert-manager writes into the Secret. */
  public static final List<String> ISSUED_KEYS = List.of("tls.crt", "tls.key", "ca.crt");

  private final KubernetesClient client;
  private final String namespace;
  private final CertificateSource source;

  public CertManagerCertificate(
      KubernetesClient client, String namespace, CertificateSource source) {
    this.client = client;
    this.namespace = namespace;
    this.source = source;
  }

  /**
   * Creates the pair's Certificate if it is missing (or rewrites one whose spec drifted from what
   * the pair needs), and says what the pair still waits for: null once cert-manager has written the
   * Secret with all of {@link #ISSUED_KEYS}.
   */
  public String ensure(HAPair pair, Function<String, Secret> cachedSecrets) {
    String name = name(pair);
    GenericKubernetesResource wanted = build(pair);
    GenericKubernetesResource existing =
        client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).withName(name).get();
    if (existing == null) {
      client
          .genericKubernetesResources(CERTIFICATES)
          .inNamespace(namespace)
          .resource(wanted)
          .create();
      log.info(
          "pair {}/{}: created cert-manager Certificate {}/{} ({})",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          namespace,
          name,
          source);
    } else if (!pair.getMetadata()
        .getUid()
        .equals(uidOf(existing.getMetadata().getAnnotations()))) {
      return "the cert-manager Certificate "
          + namespace
          + "/"
          + name
          + " belongs to pair UID "
          + uidOf(existing.getMetadata().getAnnotations())
          + ": delete it if its pair is gone";
    } else if (drifted(wanted, existing)) {
      existing.setAdditionalProperty("spec", wanted.getAdditionalProperties().get("spec"));
      client
          .genericKubernetesResources(CERTIFICATES)
          .inNamespace(namespace)
          .resource(existing)
          .update();
      log.info(
          "pair {}/{}: updated cert-manager Certificate {}/{}",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          namespace,
          name);
    }
    Secret issued = cachedSecrets.apply(name);
    if (issued == null
        || issued.getData() == null
        || !issued.getData().keySet().containsAll(ISSUED_KEYS)) {
      return "cert-manager has not issued Secret "
          + namespace
          + "/"
          + name
          + " (Certificate "
          + name
          + ", "
          + source.issuerKind()
          + " "
          + source.issuerName()
          + ") yet";
    }
    if (!pair.getMetadata().getUid().equals(uidOf(issued.getMetadata().getAnnotations()))) {
      return "Secret " + namespace + "/" + name + " does not carry this pair's UID: not using it";
    }
    return null;
  }

  /** Deletes the pair's Certificate and its Secret, if they carry the pair's UID. */
  public void delete(HAPair pair) {
    String name = name(pair);
    var certificate =
        client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).withName(name);
    GenericKubernetesResource existing = certificate.get();
    if (existing != null
        && pair.getMetadata().getUid().equals(uidOf(existing.getMetadata().getAnnotations()))) {
      certificate.delete();
    }
    var secret = client.secrets().inNamespace(namespace).withName(name);
    Secret issued = secret.get();
    if (issued != null
        && pair.getMetadata().getUid().equals(uidOf(issued.getMetadata().getAnnotations()))) {
      secret.delete();
    }
  }

  /** Whether a field the operator sets differs (fields cert-manager defaults are left alone). */
  @SuppressWarnings("unchecked")
  private static boolean drifted(
      GenericKubernetesResource wanted, GenericKubernetesResource existing) {
    Map<String, Object> want = (Map<String, Object>) wanted.getAdditionalProperties().get("spec");
    Object have = existing.getAdditionalProperties().get("spec");
    if (!(have instanceof Map<?, ?> haveMap)) {
      return true;
    }
    return want.entrySet().stream()
        .anyMatch(
            e -> !String.valueOf(e.getValue()).equals(String.valueOf(haveMap.get(e.getKey()))));
  }

  static String name(HAPair pair) {
    return PairObjects.tlsSecretName(
        pair.getMetadata().getNamespace(), pair.getMetadata().getName());
  }

  private static String uidOf(Map<String, String> annotations) {
    return annotations == null ? null : annotations.get(PairObjects.PAIR_UID);
  }

  GenericKubernetesResource build(HAPair pair) {
    Map<String, String> labels = Map.of(PairNames.PAIR_LABEL, PairNames.pairLabel(pair));
    Map<String, String> annotations =
        Map.of(
            PairObjects.PAIR_UID,
            pair.getMetadata().getUid(),
            PairObjects.PAIR_NAMESPACE,
            pair.getMetadata().getNamespace(),
            PairObjects.PAIR_NAME,
            pair.getMetadata().getName());
    List<String> ips = new ArrayList<>();
    List<String> dns = new ArrayList<>();
    for (String serverName : PairSecret.serverNames(pair)) {
      (isIpLiteral(serverName) ? ips : dns).add(serverName);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", name(pair));
    // The Secret carries the pair's UID (agents check it) and label (the operator's informer).
    spec.put(
        "secretTemplate",
        Map.of(
            "labels",
            labels,
            "annotations",
            Map.of(PairObjects.PAIR_UID, pair.getMetadata().getUid())));
    spec.put("commonName", "hapair");
    spec.put("dnsNames", dns);
    spec.put("ipAddresses", ips);
    spec.put(
        "usages", List.of("digital signature", "key encipherment", "server auth", "client auth"));
    spec.put(
        "privateKey",
        Map.of("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"));
    spec.put(
        "issuerRef",
        Map.of(
            "name",
            source.issuerName(),
            "kind",
            source.issuerKind(),
            "group",
            source.issuerGroup()));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("cert-manager.io/v1")
        .withKind("Certificate")
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name(pair))
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }

  private static boolean isIpLiteral(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }
}
