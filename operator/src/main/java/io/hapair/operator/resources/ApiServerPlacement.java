package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
  private final KubernetesClient client;

  public ApiServerPlacement(KubernetesClient client) {
    this.client = client;
  }

  /** The pair's nodes that have an address the API server is served from. */
  public List<String> pairNodesServingTheApi(HAPair pair, Collection<ClusterNode> cluster) {
    Set<String> apiAddresses = apiAddresses();
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

  private Set<String> apiAddresses() {
    Set<String> addresses = new HashSet<>();
    Endpoints endpoints;
    try {
      endpoints = client.endpoints().inNamespace("default").withName("kubernetes").get();
    } catch (KubernetesClientException e) {
      return addresses; // not allowed or not there: nothing known, nothing claimed
    }
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
