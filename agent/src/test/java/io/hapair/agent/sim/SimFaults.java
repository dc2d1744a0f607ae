package io.hapair.agent.sim;

import io.hapair.agent.core.Command;
import io.hapair.agent.core.Event;
import io.hapair.agent.witness.WitnessRecord;

/**
 * Injects the faults of {@link Faults} during the fault phase, carries witness requests (with their
 * own faults: lost, late, committed after the deadline, replayed answers, a restarted or
 * rolled-back witness), and heals everything at the end of the fault phase.
 */
final class SimFaults {
  private final Sim sim;
  private final Faults f;

  SimFaults(Sim sim) {
    this.sim = sim;
    this.f = sim.faults;
  }

  private boolean active() {
    return !sim.healed;
  }

  /** Once per 100 ms of the fault phase. */
  void step() {
    if (!active()) {
      return;
    }
    Sim.Node n = sim.nodes[sim.rnd.nextInt(2)];
    if (sim.chance(f.partition())) {
      long until = sim.now + sim.rnd.nextInt(1_000) * Sim.MS;
      int[] ends = pair();
      sim.network.cutUntil[ends[0]][ends[1]] = until;
      if (!sim.chance(f.oneWay())) {
        sim.network.cutUntil[ends[1]][ends[0]] = until;
      }
      sim.note("partition " + ends[0] + "->" + ends[1] + " until " + until / Sim.MS + " ms");
    }
    if (sim.chance(f.crash()) && n.up) {
      sim.crash(n);
      sim.after(50 * Sim.MS + sim.rnd.nextInt(1_000) * Sim.MS, () -> sim.start(n));
    }
    if (sim.chance(f.pause()) && n.up && sim.now >= n.pausedUntil) {
      long length = sim.rnd.nextInt(800) * Sim.MS;
      sim.note(n.name + " paused for " + length / Sim.MS + " ms");
      n.pausedUntil = sim.now + length;
      sim.after(length, () -> sim.resume(n));
    }
    if (sim.chance(f.diskSlow())) {
      n.disk.slowUntil = sim.now + sim.rnd.nextInt(1_000) * Sim.MS;
    }
    if (sim.chance(f.diskStall())) {
      n.disk.stallUntil = sim.now + sim.rnd.nextInt(1_500) * Sim.MS;
      sim.note(n.name + "'s disk stalls until " + n.disk.stallUntil / Sim.MS + " ms");
    }
    n.disk.eioRate = f.diskEio();
    if (sim.chance(f.replay())) {
      sim.network.replay();
    }
    if (sim.chance(f.witnessRestart())) {
      sim.witness.downUntil = sim.now + sim.rnd.nextInt(500) * Sim.MS;
    }
    if (sim.chance(f.witnessRollback())) {
      rollBack();
    }
    if (sim.chance(f.stuckClient())) {
      sim.client.stuckUntil = sim.now + sim.rnd.nextInt(1_500) * Sim.MS;
    }
    if (sim.chance(f.cleanStop()) && n.up) {
      sim.note(n.name + " is asked to stop");
      sim.at(sim.now, n, new Event.Stop());
    }
  }

  /** Two of a, b and the witness (index 2). */
  private int[] pair() {
    int x = sim.rnd.nextInt(3);
    int y = (x + 1 + sim.rnd.nextInt(2)) % 3;
    return new int[] {x, y};
  }

  /**
   * A restored backup: only one older than an epoch both nodes have recorded, since a rollback past
   * an epoch that one node never saw is undetectable by design (safety model, rule 5).
   */
  private void rollBack() {
    long below =
        Math.min(sim.nodes[0].disk.meta.highestSeen(), sim.nodes[1].disk.meta.highestSeen());
    if (sim.rnd.nextBoolean()) {
      sim.witness.replacedBy = "another-pair";
      sim.note("the witness was replaced: another pair's record");
    } else if (sim.witness.rollBack(below)) {
      sim.note("the witness was rolled back below epoch " + below);
    }
  }

  /** Everything heals: a person restarts what faulted and restores the witness. */
  void heal() {
    sim.healed = true;
    sim.network.heal();
    sim.witness.downUntil = 0;
    sim.witness.restore();
    sim.client.stuckUntil = 0;
    for (Sim.Node n : sim.nodes) {
      n.disk.slowUntil = 0;
      n.disk.stallUntil = 0;
      n.disk.eioRate = 0;
      if (n.pausedUntil > sim.now) {
        n.pausedUntil = sim.now;
        sim.resume(n);
      }
      if (n.up && n.core.fault() != null) {
        sim.note(n.name + " restarted after its fault");
        sim.down(n);
        sim.start(n);
      }
    }
    sim.note("healed");
  }

  void askWitness(Sim.Node n, Command.AskWitness ask) {
    int inc = n.incarnation;
    long sent = sim.now;
    if (sim.network.cut(n.idx, 2) || sim.chance(f.witnessLost())) {
      return;
    }
    long arrival = sim.now + sim.latency() + sim.extraDelay();
    sim.after(
        arrival - sim.now,
        () -> {
          if (sim.now < sim.witness.downUntil) {
            return;
          }
          long commit = sim.chance(f.witnessLate()) ? sim.rnd.nextInt(300) * Sim.MS : 0;
          sim.after(commit, () -> commit(n, inc, ask, sent));
        });
  }

  private void commit(Sim.Node n, int inc, Command.AskWitness ask, long sent) {
    if (sim.now < sim.witness.downUntil) {
      return;
    }
    SimWitness.Answer a = sim.witness.apply(ask);
    if (!ask.isRead() && a.outcome() == Event.WitnessOutcome.OK) {
      WitnessRecord r = a.record();
      sim.note(
          "witness: epoch " + r.epoch() + " primary " + r.primary() + " current " + r.upToDate());
    }
    if (sim.network.cut(2, n.idx) || sim.chance(f.witnessLost())) {
      return;
    }
    Event answer = new Event.WitnessAnswer(ask.nonce(), a.outcome(), a.record());
    sim.at(sim.now + sim.latency() + sim.extraDelay(), n, answer);
    if (sim.chance(f.replay())) {
      sim.at(sim.now + sim.rnd.nextInt(500) * Sim.MS, n, answer); // replayed later
    }
  }
}
