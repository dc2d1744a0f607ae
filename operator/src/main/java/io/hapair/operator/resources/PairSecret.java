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
  public boolean ensure(HAPair pair, java.util.function.Function<String, Secret> cached) {
    String name = PairNames.secret(pair);
    if (cached.apply(name) != null) {
      return false;
    }
    try {
      client.secrets().inNamespace(namespace).resource(build(pair)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false; // made by a previous leader a moment ago
      }
      throw e;
    }
    log.info(
        "pair {}/{}: created Secret {}/{} (replication key, NBD certificates)",
        pair.getMetadata().getNamespace(),
        pair.getMetadata().getName(),
        namespace,
        name);
    return true;
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
        .addToAnnotations("hapair.io/pair-uid", pair.getMetadata().getUid())
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
