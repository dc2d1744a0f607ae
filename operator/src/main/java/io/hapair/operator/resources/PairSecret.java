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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pair's Secret in the install namespace: the replication link's shared key and the NBD
 * export's CA, server and client certificates. Generated once; never rewritten, because both agents
 * must keep agreeing on the key.
 */
public final class PairSecret {
  private static final Logger log = LoggerFactory.getLogger(PairSecret.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final String namespace;

  public PairSecret(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Creates the Secret unless {@code cached} (the operator's informer) already holds it; returns
   * whether it was created.
   */
  public boolean ensure(HAPair pair, Function<String, Secret> cached) {
    String name = PairNames.secret(pair);
    if (cached.apply(name) != null) {
      return false;
    }
    // An install from before hashed names: keep its key and certificates, or the agents lose the
    // link. Only a Secret that carries this pair's UID is ours (the old names collided).
    Secret legacy =
        cached.apply(
            PairObjects.legacySecretName(
                pair.getMetadata().getNamespace(), pair.getMetadata().getName()));
    boolean adopt = legacy != null && pair.getMetadata().getUid().equals(ownerOf(legacy));
    Secret made = build(pair);
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

  Secret build(HAPair pair) {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    Map<String, String> data = new TreeMap<>();
    data.put(PairObjects.REPLICATION_KEY, Base64.getEncoder().encodeToString(key));
    try {
      PairCertificates.create(pair.getMetadata().getName(), serverNames(pair))
          .forEach(
              (file, pem) -> data.put(file, Base64.getEncoder().encodeToString(pem.getBytes())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(PairNames.secret(pair))
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
