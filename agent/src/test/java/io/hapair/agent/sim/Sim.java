package io.hapair.agent.sim;

import io.hapair.agent.core.Command;
import io.hapair.agent.core.CoreConfig;
import io.hapair.agent.core.DurableState;
import io.hapair.agent.core.Event;
import io.hapair.agent.core.VolumeCore;
import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One simulated run: two nodes each running the real {@link VolumeCore}, a witness, a client, the
 * network, disks and time, all driven by one seed. No wall clock, no threads: the same seed gives
 * the same run, event for event. Faults are injected during the first {@link #FAULT_PHASE}; then
 * everything heals and a node must serve again within {@link #LIVENESS_BOUND}.
 */
final class Sim {
  static final long US = 1_000;
  static final long MS = 1_000_000;
  static final long FAULT_PHASE = 3_000 * MS;
  static final long LIVENESS_BOUND = 4_000 * MS;
  static final long END = FAULT_PHASE + LIVENESS_BOUND;
  static final long AFTER_LIVE = 500 * MS;
  static final String PAIR = "pair-uid";
  static final int BUDGET_MAX = 3;
  static final long BUDGET_WINDOW = 2_000 * MS;

  static final boolean VERBOSE = Boolean.getBoolean("sim.verbose");

  private record Scheduled(long at, long order, Runnable action) {}

  final long seed;
  final SplittableRandom rnd;
  final Faults faults;
  final Set<CoreConfig.Bug> bugs;
  final int blocks = 16;
  final HistoryChecker checker = new HistoryChecker(blocks);
  final SimNetwork network = new SimNetwork(this);
  final SimWitness witness;
  final SimClient client = new SimClient(this);
  final Node[] nodes = new Node[2];
  final SimFaults injector;
  long now;
  private long order;
  private long events;
  private final PriorityQueue<Scheduled> queue =
      new PriorityQueue<>(
          Comparator.comparingLong(Scheduled::at).thenComparingLong(Scheduled::order));
  private final Deque<String> trace = new ArrayDeque<>();
  boolean healed;

  /** One node: its process (the core), its disk, and its clock with an origin of its own. */
  final class Node {
    final int idx;
    final String name;
    final SimDisk disk;
    final long clockOrigin;
    VolumeCore core;
    boolean up;
    int incarnation;
    long pausedUntil;
    final List<Event> backlog = new ArrayList<>();
    long timerToken;
    long lastCrashAt = -1;
    boolean vip;
    long vipSince;
    final List<Long> activations = new ArrayList<>();
    long lastEpoch;

    Node(int idx, String name, DurableState meta) {
      this.idx = idx;
      this.name = name;
      this.disk = new SimDisk(blocks, meta);
      this.clockOrigin = rnd.nextLong(1_000_000 * MS);
    }

    long clock() {
      return now + clockOrigin;
    }

    boolean reachable() {
      return up && now >= pausedUntil;
    }
  }

  Sim(long seed, Set<CoreConfig.Bug> bugs) {
    this.seed = seed;
    this.rnd = new SplittableRandom(seed);
    this.faults = Faults.draw(rnd);
    this.bugs = bugs;
    Generations g = new Generations(rnd.nextLong() | 1, 0, 0, 0);
    witness =
        new SimWitness(
            rnd.nextBoolean() ? SimWitness.Flavour.STANDALONE : SimWitness.Flavour.LEASE,
            new WitnessRecord(PAIR, 1, "a", Set.of("a", "b"), "v1"));
    DurableState fresh = new DurableState(0, 1, DiskState.UP_TO_DATE, g, Set.of(), Set.of(), true);
    nodes[0] = new Node(0, "a", DurableState.initial(1, g));
    nodes[1] = new Node(1, "b", fresh);
    injector = new SimFaults(this);
  }

  CoreConfig config(Node n) {
    SplittableRandom ids = new SplittableRandom(rnd.nextLong());
    return new CoreConfig(
        PAIR,
        n.name,
        nodes[1 - n.idx].name,
        2 * SimDisk.BLOCK,
        20 * MS,
        100 * MS,
        150 * MS,
        250 * MS,
        80 * MS,
        BUDGET_MAX,
        BUDGET_WINDOW,
        true,
        ids::nextLong,
        bugs);
  }

  // ------------------------------------------------------------------ running

  /** Runs to the end; returns the violations found (empty when the run was correct). */
  List<String> run() {
    for (Node n : nodes) {
      start(n);
    }
    every(30 * MS, network::connect);
    every(4 * MS, client::step);
    every(100 * MS, injector::step);
    after(FAULT_PHASE, injector::heal);
    while (!queue.isEmpty() && checker.violations.isEmpty()) {
      Scheduled s = queue.poll();
      if (s.at > END || (client.lastOkAt > FAULT_PHASE && s.at > client.lastOkAt + AFTER_LIVE)) {
        break; // served again after healing; a little more checks the healed pair
      }
      now = s.at;
      events++;
      s.action.run();
    }
    if (checker.violations.isEmpty()) {
      checkLiveness();
    }
    return checker.violations;
  }

  long events() {
    return events;
  }

  /** How many times the role moved in this run (promotions after the first). */
  long takeovers() {
    return Math.max(0, witness.record.epoch() - 2);
  }

  String trace() {
    return String.join("\n", trace);
  }

  void note(String line) {
    if (trace.size() >= (VERBOSE ? 200_000 : 60)) {
      trace.removeFirst();
    }
    trace.addLast(now / MS + " ms " + line);
  }

  void after(long delay, Runnable r) {
    queue.add(new Scheduled(now + Math.max(0, delay), order++, r));
  }

  private void every(long period, Runnable r) {
    after(
        period,
        () -> {
          r.run();
          every(period, r);
        });
  }

  /** Delivers {@code e} to {@code n}'s current process at {@code at}, if it is still that one. */
  void at(long at, Node n, Event e) {
    int inc = n.incarnation;
    after(at - now, () -> deliver(n, inc, e));
  }

  private void deliver(Node n, int inc, Event e) {
    if (!n.up || n.incarnation != inc) {
      return;
    }
    if (now < n.pausedUntil) {
      n.backlog.add(e);
      return;
    }
    if (VERBOSE) {
      note(n.name + " <- " + e);
    }
    for (Command c : n.core.handle(n.clock(), e)) {
      if (VERBOSE) {
        note(n.name + " -> " + c);
      }
      execute(n, c);
    }
    Node other = nodes[1 - n.idx];
    if (n.up
        && other.up
        && n.core.allowedToServe(n.clock())
        && other.core.allowedToServe(other.clock())) {
      checker.bothServing(now);
    }
  }

  long latency() {
    return 100 * US + rnd.nextInt(1_900) * US;
  }

  long extraDelay() {
    return chance(faults.messageDelay()) ? rnd.nextInt(60) * MS : 0;
  }

  boolean chance(double p) {
    return p > 0 && rnd.nextDouble() < p;
  }

  Node vipHolder() {
    Node best = null;
    for (Node n : nodes) {
      if (n.up && n.vip && (best == null || n.vipSince > best.vipSince)) {
        best = n;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ processes

  void start(Node n) {
    n.up = true;
    n.incarnation++;
    n.core = new VolumeCore(config(n));
    n.backlog.clear();
    n.pausedUntil = 0;
    at(now, n, new Event.Start(n.disk.meta));
  }

  /** Power loss: the process and the disk's cache are gone. */
  void crash(Node n) {
    note(n.name + " loses power");
    checker.crashed(n.idx, now);
    n.lastCrashAt = now;
    down(n);
    n.disk.crash();
  }

  /** The process ends (kill -9, or after a clean stop); the disk's cache survives. */
  void down(Node n) {
    n.up = false;
    n.incarnation++;
    n.vip = false;
    n.backlog.clear();
    network.nodeDown(n);
  }

  void resume(Node n) {
    if (!n.up || now < n.pausedUntil) {
      return;
    }
    List<Event> backlog = new ArrayList<>(n.backlog);
    n.backlog.clear();
    int inc = n.incarnation;
    for (Event e : backlog) {
      deliver(n, inc, e);
    }
  }

  private void execute(Node n, Command c) {
    int inc = n.incarnation;
    if (c instanceof Command.DiskWrite w) {
      disk(n, inc, w.op(), () -> n.disk.write(w.offset(), w.data(), w.fua()), null);
    } else if (c instanceof Command.DiskRead r) {
      disk(n, inc, r.op(), null, () -> n.disk.read(r.offset(), r.length()));
    } else if (c instanceof Command.DiskFlush f) {
      disk(n, inc, f.op(), n.disk::flush, null);
    } else if (c instanceof Command.PersistState p) {
      disk(n, inc, p.op(), () -> n.disk.meta = p.state(), null);
    } else if (c instanceof Command.SendFrame s) {
      network.send(n, s.frame());
    } else if (c instanceof Command.CloseLink l) {
      network.close(n, l.session());
    } else if (c instanceof Command.AskWitness a) {
      injector.askWitness(n, a);
    } else if (c instanceof Command.Reply r) {
      client.reply(n, r);
    } else if (c instanceof Command.SetTimer t) {
      long token = ++n.timerToken;
      after(
          t.at() - n.clock(),
          () -> {
            if (n.timerToken == token) {
              deliver(n, inc, new Event.Timer());
            }
          });
    } else if (c instanceof Command.TakeVip v) {
      note(n.name + " takes the VIP, epoch " + v.epoch());
      n.vip = true;
      n.vipSince = now;
      if (v.epoch() != n.lastEpoch) {
        n.lastEpoch = v.epoch();
        n.activations.add(now);
        long recent = n.activations.stream().filter(t -> now - t < BUDGET_WINDOW).count();
        if (recent > BUDGET_MAX) {
          checker.violations.add(
              now / MS + " ms: " + n.name + " changed role " + recent + " times in one window");
        }
      }
      checker.startsServing(now, n.idx, n.name, v.epoch(), n.disk);
    } else if (c instanceof Command.ReleaseVip v) {
      note(n.name + " releases the VIP: " + v.why());
      n.vip = false;
    } else if (c instanceof Command.Notice notice) {
      note(notice.text());
    } else if (c instanceof Command.Stopped) {
      note(n.name + " stopped cleanly");
      down(n);
      after(50 * MS + rnd.nextInt(500) * MS, () -> start(n));
    }
  }

  private void disk(Node n, int inc, long op, Runnable effect, Supplier<byte[]> read) {
    boolean fails = n.disk.failsNow(rnd);
    long done = n.disk.completionTime(now, rnd);
    after(
        done - now,
        () -> {
          if (!n.up || n.incarnation != inc) {
            return;
          }
          if (fails) {
            deliver(n, inc, new Event.DiskFailed(op, "EIO"));
            return;
          }
          if (effect != null) {
            effect.run();
          }
          n.disk.writeBackSome(rnd);
          deliver(n, inc, new Event.DiskDone(op, read == null ? null : read.get()));
        });
  }

  // ------------------------------------------------------------------ the end

  private void checkLiveness() {
    if (client.lastOkAt < FAULT_PHASE) {
      checker.violations.add(
          "liveness: no request succeeded within "
              + LIVENESS_BOUND / MS
              + " ms after the faults stopped; a: "
              + describe(nodes[0])
              + "; b: "
              + describe(nodes[1]));
    }
  }

  private String describe(Node n) {
    return n.up ? n.core.describe() : "down";
  }
}
