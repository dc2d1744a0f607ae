package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.operator.validation.ClusterNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the API server runs, as its {@code default/kubernetes} Endpoints say: with the Kubernetes
 * witness, a pair whose node also serves the API server loses its witness with that node.
 */
public final class ApiServerPlacement {
  public static final String NAMESPACE = "default";
  public static final String NAME = "kubernetes";

  private ApiServerPlacement() {}

  /**
   * The pair's nodes that have an address the API server is served from.
   *
   * @param endpoints the API server's Endpoints, or null if unknown
   */
  public static List<String> pairNodesServingTheApi(
      HAPair pair, Collection<ClusterNode> cluster, Endpoints endpoints) {
    Set<String> apiAddresses = addresses(endpoints);
    Set<String> named = AgentNodes.namedNodes(pair);
    List<String> sharing = new ArrayList<>();
    for (ClusterNode node : cluster) {
      if (named.contains(node.name())
          && node.addresses().stream().anyMatch(apiAddresses::contains)) {
        sharing.add(node.name());
      }
    }
    sharing.sort(null);
    return sharing;
  }

  private static Set<String> addresses(Endpoints endpoints) {
    Set<String> addresses = new HashSet<>();
    if (endpoints == null || endpoints.getSubsets() == null) {
      return addresses;
    }
    for (EndpointSubset subset : endpoints.getSubsets()) {
      if (subset.getAddresses() != null) {
        subset.getAddresses().stream().map(EndpointAddress::getIp).forEach(addresses::add);
      }
    }
    return addresses;
  }
}
