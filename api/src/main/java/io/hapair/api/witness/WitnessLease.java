package io.hapair.api.witness;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPairNode;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The witness record of one service group kept in a Kubernetes Lease: the pair's UID, the epoch and
 * the nodes whose data is current in annotations, the primary as the holder. The Lease is changed
 * only by an update carrying the resourceVersion that was read, so the API server's optimistic
 * concurrency is the compare-and-swap. The operator creates it once; agents only update it.
 */
public final class WitnessLease {
  public static final String PAIR_UID = PairObjects.PAIR_UID;
  public static final String EPOCH = "hapair.io/epoch";
  public static final String UP_TO_DATE = "hapair.io/up-to-date";
  public static final String PAIR_LABEL = HAPairNode.PAIR_LABEL;
  public static final String GROUP_LABEL = "hapair.io/group";

  /** The fields of the record, without the Lease around them. */
  public record Fields(
      String pairUid, long epoch, String primary, Set<String> upToDate, String version) {}

  private WitnessLease() {}

  /** The Lease's name for one group of one pair. */
  public static String name(String pairNamespace, String pairName, String group) {
    return PairObjects.leaseName(pairNamespace, pairName, group);
  }

  /**
   * The name of a group's Lease as the operator and the agents both find it: the name from before
   * names were hashed (issue 17) while a Lease there holds this pair's UID, so that agents of both
   * versions share one record during an upgrade; otherwise {@link #name}.
   *
   * @param lookup reads a Lease in the install namespace by name (null if absent)
   */
  public static String resolve(
      Function<String, Lease> lookup,
      String pairNamespace,
      String pairName,
      String pairUid,
      String group) {
    String legacy = PairObjects.legacyLeaseName(pairNamespace, pairName, group);
    Lease old = lookup.apply(legacy);
    boolean ours =
        old != null
            && old.getMetadata().getAnnotations() != null
            && pairUid.equals(old.getMetadata().getAnnotations().get(PAIR_UID));
    return ours ? legacy : name(pairNamespace, pairName, group);
  }

  /** A new group's record: epoch 0, nobody primary, {@code upToDate} current. */
  public static Lease initial(
      String namespace,
      String pairNamespace,
      String pairName,
      String pairUid,
      String group,
      Set<String> upToDate) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name(pairNamespace, pairName, group))
        .withLabels(
            Map.of(
                PAIR_LABEL,
                HAPairNode.pairLabel(pairNamespace, pairName),
                GROUP_LABEL,
                PairObjects.labelValue(group)))
        .withAnnotations(annotations(pairUid, 0, upToDate))
        .addToAnnotations(PairObjects.PAIR_NAMESPACE, pairNamespace)
        .addToAnnotations(PairObjects.PAIR_NAME, pairName)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity("")
        .endSpec()
        .build();
  }

  /** Reads the record out of a Lease; its resourceVersion becomes the record's version. */
  public static Fields read(Lease lease) {
    Map<String, String> a = lease.getMetadata().getAnnotations();
    if (a == null || !a.containsKey(PAIR_UID) || !a.containsKey(EPOCH)) {
      throw new IllegalArgumentException(
          "Lease " + lease.getMetadata().getName() + " holds no witness record");
    }
    String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    String current = a.getOrDefault(UP_TO_DATE, "");
    return new Fields(
        a.get(PAIR_UID),
        Long.parseLong(a.get(EPOCH)),
        holder == null ? "" : holder,
        current.isEmpty()
            ? Set.of()
            : Arrays.stream(current.split(",")).collect(Collectors.toCollection(TreeSet::new)),
        lease.getMetadata().getResourceVersion());
  }

  /** The same Lease holding {@code next}; its resourceVersion stays the one that was read. */
  public static Lease write(Lease read, Fields next) {
    return new LeaseBuilder(read)
        .editMetadata()
        .addToAnnotations(annotations(next.pairUid(), next.epoch(), next.upToDate()))
        .endMetadata()
        .editOrNewSpec()
        .withHolderIdentity(next.primary())
        .withLeaseTransitions((int) Math.min(Integer.MAX_VALUE, next.epoch()))
        // Every write changes the Lease, so the API server gives it a new resourceVersion even when
        // the record's fields stay the same (fencing relies on that to void swaps in flight).
        .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
        .endSpec()
        .build();
  }

  private static Map<String, String> annotations(String pairUid, long epoch, Set<String> current) {
    return Map.of(
        PAIR_UID,
        pairUid,
        EPOCH,
        Long.toString(epoch),
        UP_TO_DATE,
        String.join(",", new TreeSet<>(current)));
  }
}
