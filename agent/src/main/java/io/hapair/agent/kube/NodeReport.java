package io.hapair.agent.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeSpec;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * This node's HAPairNode for one pair: created once, its status written when the facts change (at
 * most as often as the reporter runs) and refreshed now and then so a reader can tell a live agent
 * from a dead one.
 */
final class NodeReport {
  static final Duration REFRESH = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final HAPairNode object;

  /** The object as last stored, with its resourceVersion; null until created. */
  private HAPairNode stored;

  private HAPairNodeStatus written;
  private Instant writtenAt = Instant.EPOCH;

  NodeReport(KubernetesClient client, String namespace, HAPair pair, String node) {
    this.client = client;
    String pairNs = pair.getMetadata().getNamespace();
    String pairName = pair.getMetadata().getName();
    HAPairNode o = new HAPairNode();
    o.getMetadata().setNamespace(namespace);
    o.getMetadata().setName(HAPairNode.nameFor(pairNs, pairName, node));
    o.getMetadata()
        .setLabels(
            Map.of(
                HAPairNode.PAIR_LABEL,
                HAPairNode.pairLabel(pairNs, pairName),
                HAPairNode.NODE_LABEL,
                PairObjects.labelValue(node)));
    o.setSpec(new HAPairNodeSpec(pairNs, pairName, pair.getMetadata().getUid(), node));
    this.object = o;
  }

  /** Writes {@code facts} unless the same facts were written recently; returns whether it did. */
  boolean write(HAPairNodeStatus facts, Instant now) {
    if (facts.sameFactsAs(written) && now.isBefore(writtenAt.plus(REFRESH))) {
      return false;
    }
    if (stored == null) {
      stored = createOrTakeOver();
    }
    facts.setUpdated(now.toString());
    stored.setStatus(facts);
    try {
      stored = client.resource(stored).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT
          && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      // Changed or deleted by someone else: start again from what is stored.
      stored = null;
      throw e;
    }
    written = facts;
    writtenAt = now;
    return true;
  }

  private HAPairNode createOrTakeOver() {
    removeLegacyReport();
    try {
      return client.resource(object).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Left by this node's previous agent: take it over, with this pair's spec.
      HAPairNode existing = client.resource(object).get();
      existing.setSpec(object.getSpec());
      existing.getMetadata().setLabels(object.getMetadata().getLabels());
      return client.resource(existing).update();
    }
  }

  /** This node's report under the name from before hashing (an older agent's), if it is ours. */
  private void removeLegacyReport() {
    HAPairNodeSpec spec = object.getSpec();
    HAPairNode legacy =
        client
            .resources(HAPairNode.class)
            .inNamespace(object.getMetadata().getNamespace())
            .withName(
                PairObjects.legacyReportName(
                    spec.getPairNamespace(), spec.getPairName(), spec.getNode()))
            .get();
    if (legacy != null
        && legacy.getSpec() != null
        && spec.getPairUid().equals(legacy.getSpec().getPairUid())
        && spec.getNode().equals(legacy.getSpec().getNode())) {
      client.resource(legacy).delete();
    }
  }

  void delete() {
    client.resource(object).delete();
  }
}
