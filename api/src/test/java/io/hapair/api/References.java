package io.hapair.api;

import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import io.hapair.api.v1alpha1.SyncState;
import java.util.List;

/** What each reference page lists beyond its CRD's fields: how the kind is used, its values. */
final class References {
  private References() {}

  static final List<ReferenceDoc.Values> PAIR =
      List.of(
          new ReferenceDoc.Values(
              HAPairStatus.Phase.class, "`status.phase`, `status.serviceGroups[].phase`."),
          new ReferenceDoc.Values(SyncState.class, "`status.sync` (the Sync column)."),
          new ReferenceDoc.Values(NodeRole.class, "`status.nodes[].role`."),
          new ReferenceDoc.Values(NodeDiskState.class, "`status.nodes[].diskState`."),
          new ReferenceDoc.Values(LinkState.class, "`status.nodes[].connection`."),
          new ReferenceDoc.Values(
              ConditionType.class,
              "`status.conditions[].type`: the types the operator writes (the schema keeps the"
                  + " field an open string, as metav1.Condition does)."));

  static final List<ReferenceDoc.Values> NODE =
      List.of(
          new ReferenceDoc.Values(NodeRole.class, "`status.groups[].role`."),
          new ReferenceDoc.Values(NodeDiskState.class, "`status.groups[].diskState`."),
          new ReferenceDoc.Values(
              LinkState.class,
              "`status.groups[].connection` (an agent never writes `Unknown`; the operator uses"
                  + " it in the pair's per-node status)."));

  static final String NODE_INTRO =
      """
      One node's facts about one pair, written by that node's agent only: one writer per object, \
      so two agents never contend for the HAPair's status, which keeps one writer (the operator). \
      The operator merges the two reports of a pair into the HAPair's `status` \
      ([HAPair reference](hapair.md), [design note 0003](../design/0003-kubernetes-mode.md)).

      - **Where:** in the install namespace, named `<namespace>.<pair>.<node>-<hash>` and labelled \
      `hapair.io/pair` (`<namespace>.<pair>`) and `hapair.io/node`; values beyond 63 characters are \
      hashed ([design note 0012](../design/0012-kubernetes-names-restores-requests.md)).
      - **When:** the agent writes when its facts change, at most once a second, and rewrites \
      unchanged facts every five minutes so that `status.updated` tells a live agent from a dead \
      one; never per heartbeat. On a graceful stop it writes the error `agent stopped` with no groups; when the \
      pair is deleted it deletes its report.
      - **Trust:** `spec.pairUid` ties the report to one HAPair: the operator ignores a report \
      about an older pair of the same name. The report is a view for people and for the \
      operator's status; the facts that decide safety (epochs, who may lead) live in the witness \
      record and on the disks.""";
}
