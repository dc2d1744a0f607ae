package io.hapair.operator.status;

import io.hapair.api.v1alpha1.HAPairNode;
import java.util.List;
import java.util.Map;

/**
 * A pair's service groups as the agents' reports show them. Pure.
 *
 * @param reported at least one agent has reported on the pair
 * @param groups one view per service group, in the spec's order
 */
public record PairView(boolean reported, List<GroupView> groups) {

  /** {@code byNode}: the pair's reports by node name. */
  public static PairView of(List<String> groups, Map<String, HAPairNode> byNode) {
    return new PairView(
        !byNode.isEmpty(), groups.stream().map(g -> GroupView.of(g, byNode)).toList());
  }

  public boolean anySplitBrain() {
    return groups.stream().anyMatch(GroupView::splitBrain);
  }

  public boolean allServed() {
    return groups.stream().allMatch(GroupView::served);
  }

  public boolean allInSync() {
    return groups.stream().allMatch(GroupView::inSync);
  }

  public boolean anySyncing() {
    return groups.stream().anyMatch(GroupView::syncing);
  }

  /** Bytes out of sync, summed over the groups. */
  public long outOfSyncBytes() {
    return groups.stream().mapToLong(GroupView::outOfSyncBytes).sum();
  }

  /** The groups without a primary. */
  public List<String> unserved() {
    return groups.stream().filter(g -> !g.served()).map(GroupView::name).toList();
  }
}
