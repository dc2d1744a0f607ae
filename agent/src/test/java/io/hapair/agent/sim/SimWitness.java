package io.hapair.agent.sim;

import io.hapair.agent.core.Command;
import io.hapair.agent.core.Event.WitnessOutcome;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The witness: one record, changed only by compare-and-swap of the whole record, every change a new
 * version. STANDALONE answers a lost CAS with the current record; LEASE (as a Kubernetes Lease)
 * answers 409 without it, so the client must re-read.
 */
final class SimWitness {
  enum Flavour {
    STANDALONE,
    LEASE
  }

  record Answer(WitnessOutcome outcome, WitnessRecord record) {}

  final Flavour flavour;
  WitnessRecord record;
  private long version = 1;

  /** Every record it ever stored, for a rolled-back restore. */
  final List<WitnessRecord> history = new ArrayList<>();

  long downUntil;
  String replacedBy;

  SimWitness(Flavour flavour, WitnessRecord initial) {
    this.flavour = flavour;
    this.record = initial;
    history.add(initial);
  }

  Answer apply(Command.AskWitness ask) {
    WitnessRecord current = visible();
    if (ask.isRead()) {
      return new Answer(WitnessOutcome.OK, current);
    }
    if (!ask.expected().version().equals(current.version())) {
      return new Answer(WitnessOutcome.CONFLICT, flavour == Flavour.LEASE ? null : current);
    }
    WitnessRecord p = ask.proposed();
    record = new WitnessRecord(p.pairUid(), p.epoch(), p.primary(), p.upToDate(), "v" + ++version);
    history.add(record);
    return new Answer(WitnessOutcome.OK, record);
  }

  private WitnessRecord visible() {
    if (replacedBy != null) {
      return new WitnessRecord(replacedBy, 1, "", Set.of(), "x" + version);
    }
    return record;
  }

  /** Restores an older copy (a backup): the newest whose epoch is below {@code below}. */
  boolean rollBack(long below) {
    for (int i = history.size() - 1; i >= 0; i--) {
      WitnessRecord old = history.get(i);
      if (old.epoch() < below) {
        record =
            new WitnessRecord(
                old.pairUid(), old.epoch(), old.primary(), old.upToDate(), "v" + ++version);
        return true;
      }
    }
    return false;
  }

  /** A person restores the newest record. */
  void restore() {
    WitnessRecord newest = history.get(history.size() - 1);
    record =
        new WitnessRecord(
            newest.pairUid(), newest.epoch(), newest.primary(), newest.upToDate(), "v" + ++version);
    history.add(record);
    replacedBy = null;
  }
}
