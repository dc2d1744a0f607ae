package io.hapair.operator.status;

import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.SyncState;

/** The phase of a group and of the pair, and the pair's Sync word, from the reports. Pure. */
public final class PhaseRule {
  private PhaseRule() {}

  /** A group: split brain first, then whether it ever led, then its link. */
  public static Phase of(GroupView group) {
    if (group.splitBrain()) {
      return Phase.SplitBrain;
    }
    if (group.neverLed()) {
      return Phase.Pending;
    }
    if (group.syncing()) {
      return Phase.Syncing;
    }
    return group.connected() ? Phase.Healthy : Phase.Degraded;
  }

  /** The pair: the worst of its groups, and Healthy only when every group also has a primary. */
  public static Phase of(PairView pair) {
    if (!pair.reported() || pair.groups().stream().allMatch(g -> of(g) == Phase.Pending)) {
      return Phase.Pending;
    }
    if (pair.anySplitBrain()) {
      return Phase.SplitBrain;
    }
    if (pair.anySyncing()) {
      return Phase.Syncing;
    }
    return pair.allInSync() && pair.allServed() ? Phase.Healthy : Phase.Degraded;
  }

  /** The Sync column. */
  public static SyncState sync(PairView pair) {
    if (!pair.reported()) {
      return SyncState.Unknown;
    }
    if (pair.allInSync()) {
      return SyncState.InSync;
    }
    return pair.anySyncing() ? SyncState.Syncing : SyncState.Disconnected;
  }
}
