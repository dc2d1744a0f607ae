package io.hapair.operator.resources;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import io.hapair.api.witness.WitnessLease;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One witness Lease per service group, created once with the pair's UID at epoch 0. A Lease that
 * disappears after the group has had a primary is not recreated: a fresh record at epoch 0 would be
 * a rolled-back witness, so the agents stop automation and the status says why.
 */
public final class WitnessLeases {
  private static final Logger log = LoggerFactory.getLogger(WitnessLeases.class);

  private final KubernetesClient client;
  private final String namespace;

  public WitnessLeases(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * What is wrong with the pair's witness records, one line per group; empty when all is well.
   *
   * @param cached the Leases as the operator's informer holds them, by name
   * @param knownEpochs per group, the highest epoch recorded or reported (see {@link
   *     EpochHighWater}): a group that has had any epoch has had a primary
   */
  public List<String> ensure(
      HAPair pair, Function<String, Lease> cached, Map<String, Long> knownEpochs) {
    String pairNs = pair.getMetadata().getNamespace();
    String pairName = pair.getMetadata().getName();
    String uid = pair.getMetadata().getUid();
    List<String> problems = new ArrayList<>();
    for (GroupSpec group : GroupSpec.of(pairName, pair.getSpec())) {
      String name = WitnessLease.resolve(cached, pairNs, pairName, uid, group.name());
      Lease existing = cached.apply(name);
      if (existing != null) {
        String owner = WitnessLease.read(existing).pairUid();
        if (!uid.equals(owner)) {
          problems.add(
              "Lease " + namespace + "/" + name + " belongs to pair UID " + owner + ", not " + uid);
        }
        continue;
      }
      if (knownEpochs.getOrDefault(group.name(), 0L) > 0 || hadPrimary(pair, group.name())) {
        problems.add(
            "Lease "
                + namespace
                + "/"
                + name
                + " was deleted after the group had a primary; it is not recreated at epoch 0"
                + " (see the runbook: witness record lost)");
        continue;
      }
      Set<String> current =
          group.volume() != null && group.volume().getInitialSyncSource() != null
              ? Set.of(group.volume().getInitialSyncSource())
              : Set.copyOf(pair.getSpec().getNodes().stream().map(PairNode::getName).toList());
      try {
        client
            .leases()
            .inNamespace(namespace)
            .resource(WitnessLease.initial(namespace, pairNs, pairName, uid, group.name(), current))
            .create();
        log.info(
            "pair {}/{} group {}: created witness Lease {}/{} (epoch 0, up to date: {})",
            pairNs,
            pairName,
            group.name(),
            namespace,
            name,
            current);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    }
    return problems;
  }

  private static boolean hadPrimary(HAPair pair, String group) {
    if (pair.getStatus() == null) {
      return false;
    }
    if (pair.getStatus().getServiceGroups() != null) {
      for (ServiceGroupStatus g : pair.getStatus().getServiceGroups()) {
        if (group.equals(g.getName()) && g.getEpoch() != null && g.getEpoch() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Deletes the pair's Leases (the pair is gone; its disks keep their own epoch): those with its
   * label that hold its UID, never another pair's.
   */
  public void delete(HAPair pair) {
    String uid = pair.getMetadata().getUid();
    for (Lease lease :
        client
            .leases()
            .inNamespace(namespace)
            .withLabel(WitnessLease.PAIR_LABEL, PairNames.pairLabel(pair))
            .list()
            .getItems()) {
      Map<String, String> a = lease.getMetadata().getAnnotations();
      if (a != null && uid.equals(a.get(WitnessLease.PAIR_UID))) {
        client.resource(lease).delete();
      }
    }
  }
}
