package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node labels that follow each group's primary ({@code hapair.io/<group>=primary}, the peer {@code
 * =secondary}), so workloads can run next to their data with a node selector; after a role change,
 * pods pinned to the primary that still run on the old primary are evicted so that they reschedule
 * (labels alone move nothing that already runs).
 */
public final class WorkloadPinning {
  private static final Logger log = LoggerFactory.getLogger(WorkloadPinning.class);
  public static final String PRIMARY = "primary";
  public static final String SECONDARY = "secondary";

  private final KubernetesClient client;

  public WorkloadPinning(KubernetesClient client) {
    this.client = client;
  }

  public static String labelKey(String group) {
    return "hapair.io/" + group;
  }

  /** Applies the labels for the groups' current primaries; returns the pods it evicted. */
  public List<String> follow(
      HAPair pair, List<ServiceGroupStatus> groups, Function<String, Node> cachedNodes) {
    List<String> evicted = new ArrayList<>();
    for (ServiceGroupStatus group : groups == null ? List.<ServiceGroupStatus>of() : groups) {
      String primary = group.getPrimary();
      if (primary == null) {
        continue; // nobody leads: leave the labels as they are
      }
      String key = labelKey(group.getName());
      boolean moved = false;
      for (PairNode node : pair.getSpec().getNodes()) {
        String role = node.getName().equals(primary) ? PRIMARY : SECONDARY;
        moved |= label(cachedNodes.apply(node.getName()), key, role);
      }
      if (moved) {
        log.info(
            "pair {}/{} group {}: node labels follow the primary {}",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            group.getName(),
            primary);
        for (PairNode node : pair.getSpec().getNodes()) {
          if (!node.getName().equals(primary)) {
            evicted.addAll(evictPinned(pair, key, node.getName()));
          }
        }
      }
    }
    return evicted;
  }

  /** Removes the pair's group labels from its nodes (the pair is gone). */
  public void forget(HAPair pair) {
    for (var group : GroupSpec.of(pair.getMetadata().getName(), pair.getSpec())) {
      for (PairNode node : pair.getSpec().getNodes()) {
        if (client.nodes().withName(node.getName()).get() == null) {
          continue;
        }
        NodeLabelPatch.set(client, node.getName(), labelKey(group.name()), null);
      }
    }
  }

  private boolean label(Node node, String key, String value) {
    if (node == null) {
      return false;
    }
    String nodeName = node.getMetadata().getName();
    Map<String, String> labels = node.getMetadata().getLabels();
    if (labels != null && value.equals(labels.get(key))) {
      return false;
    }
    NodeLabelPatch.set(client, nodeName, key, value);
    return true;
  }

  /** Evicts the pods on {@code nodeName} that must run on the primary. */
  private List<String> evictPinned(HAPair pair, String key, String nodeName) {
    List<String> evicted = new ArrayList<>();
    // The API server selects the node's pods; the node is checked again here, for a server (or
    // fabric8's mock) that ignores the field selector.
    List<Pod> pods =
        client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).list().getItems();
    for (Pod pod : pods) {
      if (!Objects.equals(nodeName, pod.getSpec().getNodeName()) || !pinnedToPrimary(pod, key)) {
        continue;
      }
      String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      try {
        boolean accepted =
            client
                .pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .evict();
        if (!accepted) {
          log.warn(
              "pair {}/{}: eviction of {} refused (a disruption budget?); it stays on {}",
              pair.getMetadata().getNamespace(),
              pair.getMetadata().getName(),
              name,
              nodeName);
          continue;
        }
        evicted.add(name);
        log.info(
            "pair {}/{}: evicted {} from {}: it is pinned to the primary ({}={})",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            name,
            nodeName,
            key,
            PRIMARY);
      } catch (KubernetesClientException e) {
        log.warn(
            "pair {}/{}: could not evict {} from {}: {}",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            name,
            nodeName,
            e.getMessage());
      }
    }
    return evicted;
  }

  /** A node selector, or a required node affinity term, on {@code key=primary}. */
  static boolean pinnedToPrimary(Pod pod, String key) {
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && PRIMARY.equals(selector.get(key))) {
      return true;
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return false;
    }
    return affinity
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .stream()
        .filter(term -> term.getMatchExpressions() != null)
        .flatMap(term -> term.getMatchExpressions().stream())
        .anyMatch(
            (NodeSelectorRequirement r) ->
                key.equals(r.getKey())
                    && "In".equals(r.getOperator())
                    && r.getValues() != null
                    && r.getValues().contains(PRIMARY));
  }
}
