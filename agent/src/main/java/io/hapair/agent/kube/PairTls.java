package io.hapair.agent.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.spec.PairObjects;
import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a pair's NBD certificates are: in the pair's Secret (the operator's own CAs), or, when that
 * Secret names one ({@link PairObjects#TLS_SECRET_ANNOTATION}), in the Secret cert-manager issued,
 * whose {@code tls.crt}/{@code tls.key} serve as both the server's and the clients' certificate and
 * {@code ca.crt} as the CA. Either way the certificates are used only from a Secret carrying the
 * pair's UID.
 */
final class PairTls {
  /**
   * The TLS files as the pair's Secret would hold them (base64 by file name), and a version that
   * changes whenever either Secret does.
   */
  record Found(Map<String, String> data, String version) {}

  private PairTls() {}

  static Found read(KubernetesClient client, String namespace, Secret pairSecret, String pairUid)
      throws IOException {
    String pairVersion = String.valueOf(pairSecret.getMetadata().getResourceVersion());
    Map<String, String> annotations = pairSecret.getMetadata().getAnnotations();
    String issued = annotations == null ? null : annotations.get(PairObjects.TLS_SECRET_ANNOTATION);
    if (issued == null) {
      return new Found(pairSecret.getData() == null ? Map.of() : pairSecret.getData(), pairVersion);
    }
    Secret tls = client.secrets().inNamespace(namespace).withName(issued).get();
    if (tls == null
        || tls.getData() == null
        || !tls.getData().keySet().containsAll(List.of("tls.crt", "tls.key", "ca.crt"))) {
      throw new IOException("waiting for cert-manager to issue Secret " + namespace + "/" + issued);
    }
    String owner =
        tls.getMetadata().getAnnotations() == null
            ? null
            : tls.getMetadata().getAnnotations().get(PairObjects.PAIR_UID);
    if (!pairUid.equals(owner)) {
      throw new IOException(
          "Secret "
              + namespace
              + "/"
              + issued
              + " belongs to pair UID "
              + owner
              + ", not this pair's: not using its certificates");
    }
    Map<String, String> data = new TreeMap<>();
    data.put(PairCertificates.CA_CERT, tls.getData().get("ca.crt"));
    data.put(PairCertificates.SERVER_CERT, tls.getData().get("tls.crt"));
    data.put(PairCertificates.SERVER_KEY, tls.getData().get("tls.key"));
    data.put(PairCertificates.CLIENT_CERT, tls.getData().get("tls.crt"));
    data.put(PairCertificates.CLIENT_KEY, tls.getData().get("tls.key"));
    return new Found(data, pairVersion + "/" + tls.getMetadata().getResourceVersion());
  }
}
