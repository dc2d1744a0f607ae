package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.PairNode;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels the pairs' Nodes {@code hapair.io/agent=true}, the agent DaemonSet's node selector, so
 * agents run on exactly the nodes that some pair names.
 */
public final class AgentNodes {
  private static final Logger log = LoggerFactory.getLogger(AgentNodes.class);

  private final KubernetesClient client;

  public AgentNodes(KubernetesClient client) {
    this.client = client;
  }

  /** Labels the pair's nodes that exist and lack the label. */
  public void label(HAPair pair, Collection<Node> cluster) {
    Set<String> named = namedNodes(pair);
    for (Node node : cluster) {
      String name = node.getMetadata().getName();
      Map<String, String> labels = node.getMetadata().getLabels();
      if (named.contains(name)
          && (labels == null || !"true".equals(labels.get(PairNames.AGENT_NODE_LABEL)))) {
        NodeLabelPatch.set(client, name, PairNames.AGENT_NODE_LABEL, "true");
        log.info(
            "pair {}/{} node {}: labelled {}=true, the agent starts there",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            name,
            PairNames.AGENT_NODE_LABEL);
      }
    }
  }

  /** Removes the label from the pair's nodes that no other pair names. */
  public void unlabel(HAPair pair, Collection<HAPair> others) {
    Set<String> stillUsed =
        others.stream()
            .filter(o -> !Objects.equals(o.getMetadata().getUid(), pair.getMetadata().getUid()))
            .flatMap(o -> namedNodes(o).stream())
            .collect(Collectors.toSet());
    for (String name : namedNodes(pair)) {
      if (stillUsed.contains(name) || client.nodes().withName(name).get() == null) {
        continue;
      }
      NodeLabelPatch.set(client, name, PairNames.AGENT_NODE_LABEL, null);
      log.info(
          "pair {}/{} node {}: no pair left, label {} removed",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          name,
          PairNames.AGENT_NODE_LABEL);
    }
  }

  static Set<String> namedNodes(HAPair pair) {
    if (pair.getSpec() == null || pair.getSpec().getNodes() == null) {
      return Set.of();
    }
    return pair.getSpec().getNodes().stream()
        .map(PairNode::getName)
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }
}
