package io.hapair.api.v1alpha1;

/**
 * The types of the conditions in a HAPair's status. The operator writes them; agents and people
 * read them. The schema keeps {@code type} an open string, as metav1.Condition does, so a status
 * written by another version is still readable; this list is the one the operator writes.
 */
public enum ConditionType implements WireValue {
  Valid("The spec passed the operator's checks (False names the offending field)."),
  Ready("Every service group has a primary serving it."),
  Replicating("Every group replicates to a current peer."),
  Degraded("A group runs on one node: its peer is outdated or gone."),
  SplitBrain("Both nodes changed the data separately: a person chooses the survivor."),
  WitnessUnreachable("A group's witness record (Lease) is missing or belongs to another pair."),
  WitnessRolledBack("A witness Lease holds an epoch older than one already recorded."),
  WitnessSharesFate("The API server (the witness) runs on one of the pair's nodes."),
  Maintenance("spec.maintenance is set: no automatic failover."),
  ForcedPromotion("A person forced a node to primary; the message names what was lost.");

  private final String meaning;

  ConditionType(String meaning) {
    this.meaning = meaning;
  }

  @Override
  public String meaning() {
    return meaning;
  }
}
