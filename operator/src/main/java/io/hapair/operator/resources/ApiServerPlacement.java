package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.operator.validation.ClusterNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where the API server runs, as the {@code default/kubernetes} EndpointSlice says
 * (discovery.k8s.io/v1; the core Endpoints are deprecated since 1.33): with the Kubernetes witness,
 * a pair whose node also serves the API server loses its witness with that node.
 */
public final class ApiServerPlacement {
  public static final String NAMESPACE = "default";

  /** The API server names its EndpointSlice after the Service, {@code kubernetes}. */
  public static final String NAME = "kubernetes";

  private ApiServerPlacement() {}

  /**
   * The pair's nodes that have an address the API server is served from.
   *
   * @param slices the API server's EndpointSlices (one per address family), empty if unknown
   */
  public static List<String> pairNodesServingTheApi(
      HAPair pair, Collection<ClusterNode> cluster, Collection<EndpointSlice> slices) {
    Set<String> apiAddresses = addresses(slices);
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

  private static Set<String> addresses(Collection<EndpointSlice> slices) {
    Set<String> addresses = new HashSet<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        if (endpoint.getAddresses() != null) {
          addresses.addAll(endpoint.getAddresses());
        }
      }
    }
    return addresses;
  }
}
