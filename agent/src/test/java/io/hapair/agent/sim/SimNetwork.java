package io.hapair.agent.sim;

import io.hapair.agent.core.Event;
import io.hapair.agent.core.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The replication link between the two nodes, as TCP: frames of one session arrive in order or not
 * at all (a lost segment stalls the direction until a side gives up on the silence). Partitions cut
 * one direction or both. Replays re-deliver recorded frames, of this session or older ones.
 */
final class SimNetwork {
  private final Sim sim;

  /** cut[from][to]: until when that direction is cut (index 2 is the witness). */
  final long[][] cutUntil = new long[3][3];

  private long nextSession = 1;
  private Link link;
  private final List<Object[]> sent = new ArrayList<>();

  private static final class Link {
    final long id;
    boolean open = true;
    final boolean[] stalled = new boolean[2];
    final long[] lastArrival = new long[2];

    Link(long id) {
      this.id = id;
    }
  }

  SimNetwork(Sim sim) {
    this.sim = sim;
  }

  boolean cut(int from, int to) {
    return sim.now < cutUntil[from][to];
  }

  /** The connector: offers a session when both cores want one and they can reach each other. */
  void connect() {
    Sim.Node a = sim.nodes[0];
    Sim.Node b = sim.nodes[1];
    if ((link != null && link.open) || !a.reachable() || !b.reachable() || cut(0, 1) || cut(1, 0)) {
      return;
    }
    if (!a.core.wantsLink() || !b.core.wantsLink()) {
      return;
    }
    link = new Link(nextSession++);
    long id = link.id;
    sim.at(sim.now + sim.latency(), a, new Event.LinkUp(id));
    sim.at(sim.now + sim.latency(), b, new Event.LinkUp(id));
  }

  void send(Sim.Node from, Frame frame) {
    Link l = link;
    if (l == null || l.id != frame.session() || !l.open) {
      return;
    }
    int dir = from.idx;
    Sim.Node to = sim.nodes[1 - dir];
    if (l.stalled[dir]) {
      return;
    }
    if (cut(dir, to.idx) || sim.chance(sim.faults.messageLoss())) {
      l.stalled[dir] = true; // TCP retransmits into the void: nothing more arrives
      return;
    }
    long arrival = Math.max(l.lastArrival[dir], sim.now + sim.latency() + sim.extraDelay());
    l.lastArrival[dir] = arrival;
    sim.at(arrival, to, new Event.PeerFrame(frame));
    if (sent.size() < 200) {
      sent.add(new Object[] {to, frame});
    } else {
      sent.set(sim.rnd.nextInt(200), new Object[] {to, frame});
    }
  }

  void close(Sim.Node by, long session) {
    Link l = link;
    if (l == null || l.id != session || !l.open) {
      return;
    }
    l.open = false;
    Sim.Node other = sim.nodes[1 - by.idx];
    if (!cut(by.idx, other.idx)) {
      sim.at(sim.now + sim.latency(), other, new Event.LinkDown(session, "closed by " + by.name));
    }
  }

  /** A node lost power: its side sends nothing more, the other notices only by silence. */
  void nodeDown(Sim.Node n) {
    if (link != null) {
      link.open = false;
    }
  }

  /** Re-delivers a recorded frame: a replay an attacker or a confused middlebox could produce. */
  void replay() {
    if (!sent.isEmpty()) {
      Object[] s = sent.get(sim.rnd.nextInt(sent.size()));
      sim.at(sim.now + sim.latency(), (Sim.Node) s[0], new Event.PeerFrame((Frame) s[1]));
    }
  }

  void heal() {
    for (long[] row : cutUntil) {
      Arrays.fill(row, 0);
    }
  }
}
