package io.hapair.operator.status;

import static io.hapair.operator.status.Conditions.FALSE;
import static io.hapair.operator.status.Conditions.TRUE;

import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPairSpec;

/**
 * One function per condition the aggregator writes. Each checks its reasons in rank order: the
 * first that holds names the condition. Pure.
 */
public final class PairConditions {
  private PairConditions() {}

  /** NoAgentReport, then NoPrimary, then PrimaryServing. */
  public static Condition ready(PairView pair) {
    if (!pair.reported()) {
      return new Condition(
          ConditionType.Ready, FALSE, "NoAgentReport", "No agent has reported yet.");
    }
    if (!pair.allServed()) {
      return new Condition(
          ConditionType.Ready,
          FALSE,
          "NoPrimary",
          "No primary for group(s) " + String.join(", ", pair.unserved()) + ".");
    }
    return new Condition(ConditionType.Ready, TRUE, "PrimaryServing", "Every group has a primary.");
  }

  /** InSync, then Resyncing, then Disconnected. */
  public static Condition replicating(PairView pair) {
    if (pair.allInSync()) {
      return new Condition(ConditionType.Replicating, TRUE, "InSync", "Both disks are current.");
    }
    if (pair.anySyncing()) {
      return new Condition(
          ConditionType.Replicating,
          FALSE,
          "Resyncing",
          pair.outOfSyncBytes() + " bytes out of sync, resync running.");
    }
    return new Condition(
        ConditionType.Replicating, FALSE, "Disconnected", "A replication link is down.");
  }

  /** PeerUnavailable (reported, neither in sync nor resyncing), else BothNodes. */
  public static Condition degraded(PairView pair) {
    if (pair.reported() && !pair.allInSync() && !pair.anySyncing()) {
      return new Condition(
          ConditionType.Degraded,
          TRUE,
          "PeerUnavailable",
          "A group runs on one node: its peer is outdated or gone.");
    }
    return new Condition(ConditionType.Degraded, FALSE, "BothNodes", "No group runs on one node.");
  }

  /** DataDiverged, else NoDivergence. */
  public static Condition splitBrain(PairView pair) {
    if (pair.anySplitBrain()) {
      return new Condition(
          ConditionType.SplitBrain,
          TRUE,
          "DataDiverged",
          "Both nodes changed data separately; choose the survivor (runbook: split brain).");
    }
    return new Condition(
        ConditionType.SplitBrain, FALSE, "NoDivergence", "No divergence detected.");
  }

  /** WitnessRecordUnusable (one line per group), else WitnessRecordPresent. */
  public static Condition witnessUnreachable(PairFacts facts) {
    if (!facts.witnessProblems().isEmpty()) {
      return new Condition(
          ConditionType.WitnessUnreachable,
          TRUE,
          "WitnessRecordUnusable",
          String.join("; ", facts.witnessProblems()));
    }
    return new Condition(
        ConditionType.WitnessUnreachable,
        FALSE,
        "WitnessRecordPresent",
        "Every group has its witness Lease.");
  }

  /** LeaseOlderThanRecorded (one line per group), else NoRollback. */
  public static Condition witnessRolledBack(PairFacts facts) {
    if (!facts.witnessRollbacks().isEmpty()) {
      return new Condition(
          ConditionType.WitnessRolledBack,
          TRUE,
          "LeaseOlderThanRecorded",
          String.join("; ", facts.witnessRollbacks()));
    }
    return new Condition(
        ConditionType.WitnessRolledBack,
        FALSE,
        "NoRollback",
        "No witness Lease is older than an epoch already recorded.");
  }

  /** ApiServerOnPairNode (naming the nodes), else ApiServerElsewhere. */
  public static Condition witnessSharesFate(PairFacts facts) {
    if (!facts.witnessSharingFate().isEmpty()) {
      return new Condition(
          ConditionType.WitnessSharesFate,
          TRUE,
          "ApiServerOnPairNode",
          "The API server (the witness) runs on "
              + String.join(", ", facts.witnessSharingFate())
              + ": if that node fails, its peer cannot take over.");
    }
    return new Condition(
        ConditionType.WitnessSharesFate,
        FALSE,
        "ApiServerElsewhere",
        "The API server runs on neither pair node.");
  }

  /** AutomaticFailoverOff while spec.maintenance is set, else AutomaticFailoverOn. */
  public static Condition maintenance(HAPairSpec spec) {
    if (Boolean.TRUE.equals(spec.getMaintenance())) {
      return new Condition(
          ConditionType.Maintenance,
          TRUE,
          "AutomaticFailoverOff",
          "spec.maintenance: no automatic failover; fencing and leases stay armed.");
    }
    return new Condition(
        ConditionType.Maintenance, FALSE, "AutomaticFailoverOn", "Automatic failover is on.");
  }
}
