package io.hapair.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.v1alpha1.HAPair;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Labels each HAPair with its nodes ({@code node.hapair.io/<node>}), so that an agent watches only
 * its own node's pairs; a node the pair no longer names loses its label, and its agent sees the
 * pair go.
 */
public final class PairNodeLabels {
  private final KubernetesClient client;

  public PairNodeLabels(KubernetesClient client) {
    this.client = client;
  }

  /** Sets the labels the pair should carry, in one merge patch, if they differ. */
  public void apply(HAPair pair) {
    Set<String> wanted =
        AgentNodes.namedNodes(pair).stream().map(NodeLabels::forNode).collect(Collectors.toSet());
    Map<String, String> labels =
        pair.getMetadata().getLabels() == null ? Map.of() : pair.getMetadata().getLabels();
    Map<String, Object> patch = new HashMap<>();
    labels.keySet().stream()
        .filter(k -> k.startsWith(NodeLabels.PREFIX) && !wanted.contains(k))
        .forEach(k -> patch.put(k, null));
    wanted.stream().filter(k -> !labels.containsKey(k)).forEach(k -> patch.put(k, "true"));
    if (patch.isEmpty()) {
      return;
    }
    client
        .resources(HAPair.class)
        .inNamespace(pair.getMetadata().getNamespace())
        .withName(pair.getMetadata().getName())
        .patch(MetadataPatch.MERGE, MetadataPatch.of("labels", patch));
  }
}
