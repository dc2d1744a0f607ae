package io.hapair.operator.resources;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Collections;

/** Sets or removes one label on a Node with a single JSON merge patch (no read first). */
final class NodeLabelPatch {
  private NodeLabelPatch() {}

  /** {@code value} null removes the label. */
  static void set(KubernetesClient client, String node, String key, String value) {
    client
        .nodes()
        .withName(node)
        .patch(
            MetadataPatch.MERGE, MetadataPatch.of("labels", Collections.singletonMap(key, value)));
  }
}
