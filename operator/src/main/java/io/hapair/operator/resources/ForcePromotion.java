package io.hapair.operator.resources;

import io.hapair.api.spec.ForcePromoteRequest;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.witness.WitnessLease;
import io.hapair.operator.events.PairEvents;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The force-promote annotation's life: the named node's agent promotes by force only if the
 * annotation names the loss exactly; the operator says which loss that is when it does not, and
 * reports the promotion when it happened, removing the annotation either way.
 */
public final class ForcePromotion {
  public static final String ANNOTATION = PairObjects.FORCE_PROMOTE_ANNOTATION;

  private ForcePromotion() {}

  /** The reason of the Event (and condition) that records a forced promotion. */
  public static final String PROMOTED = "ForcePromoted";

  /**
   * The Event to record and remove the annotation with; empty while the promotion runs.
   *
   * @param records each group's witness record (the Leases): the durable fact of who leads
   */
  public static Optional<PairEvents.Change> judge(
      HAPair pair,
      HAPairStatus status,
      List<HAPairNode> reports,
      Map<String, WitnessLease.Fields> records) {
    String asked =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(ANNOTATION);
    if (asked == null) {
      return Optional.empty();
    }
    Map<String, String> terms = ForcePromoteRequest.parse(asked);
    String node = terms.get("node");
    Optional<String> peer =
        pair.getSpec().getNodes().stream()
            .map(PairNode::getName)
            .filter(n -> node != null && !n.equals(node))
            .findFirst();
    boolean known =
        pair.getSpec().getNodes().stream().map(PairNode::getName).anyMatch(n -> n.equals(node));
    if (!known || peer.isEmpty()) {
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              "ForcePromoteRefused",
              ANNOTATION + ": node=" + node + " is not a node of this pair"));
    }
    long since = sinceEpoch(terms);
    // Judged from the witness records first: the reports can be a second old, and a report from
    // before the promotion would make a promotion that happened look refused.
    boolean promotedAtWitness =
        !records.isEmpty()
            && records.values().stream()
                .allMatch(r -> node.equals(r.primary()) && r.epoch() > since);
    boolean reportedPrimary =
        status.getServiceGroups() != null
            && !status.getServiceGroups().isEmpty()
            && status.getServiceGroups().stream().allMatch(g -> node.equals(g.getPrimary()));
    if (promotedAtWitness || reportedPrimary) {
      long epoch =
          promotedAtWitness
              ? records.values().stream().mapToLong(WitnessLease.Fields::epoch).max().orElse(0)
              : status.getEpoch() == null ? 0 : status.getEpoch();
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              PROMOTED,
              node
                  + " was promoted by force at epoch "
                  + epoch
                  + "; writes "
                  + peer.get()
                  + " acknowledged after epoch "
                  + terms.get("since-epoch")
                  + " are given up"));
    }
    long seen = highestEpoch(reports, node);
    String expected = ForcePromoteRequest.format(node, peer.get(), seen);
    if (seen >= 0 && !ForcePromoteRequest.parse(expected).equals(terms)) {
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              "ForcePromoteRefused",
              peer.get()
                  + " may hold acknowledged writes "
                  + node
                  + " lacks: everything after epoch "
                  + seen
                  + ". To promote anyway and lose them, set "
                  + ANNOTATION
                  + ": \""
                  + expected
                  + "\""));
    }
    return Optional.empty();
  }

  private static long sinceEpoch(Map<String, String> terms) {
    try {
      return Long.parseLong(terms.getOrDefault("since-epoch", "-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long highestEpoch(List<HAPairNode> reports, String node) {
    return reports.stream()
        .filter(r -> node.equals(r.getSpec().getNode()) && r.getStatus() != null)
        .flatMap(r -> r.getStatus().getGroups().stream())
        .map(GroupReport::getHighestEpoch)
        .filter(e -> e != null)
        .mapToLong(Long::longValue)
        .max()
        .orElse(-1);
  }
}
