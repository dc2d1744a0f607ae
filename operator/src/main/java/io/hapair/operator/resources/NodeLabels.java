package io.hapair.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.Map;

/** Sets or removes one label on a Node with a single JSON merge patch (no read first). */
final class NodeLabels {
  private NodeLabels() {}

  /** {@code value} null removes the label. */
  static void set(KubernetesClient client, String node, String key, String value) {
    Map<String, Object> labels = new HashMap<>();
    labels.put(key, value);
    client
        .nodes()
        .withName(node)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("metadata", Map.of("labels", labels))));
  }
}
