package io.hapair.operator.validation;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import java.util.List;

/** What validation needs to know of a Kubernetes Node: its name and its addresses. */
public record ClusterNode(String name, List<String> addresses) {

  public static ClusterNode of(Node node) {
    List<String> addresses =
        node.getStatus() == null || node.getStatus().getAddresses() == null
            ? List.of()
            : node.getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .toList();
    return new ClusterNode(node.getMetadata().getName(), addresses);
  }
}
