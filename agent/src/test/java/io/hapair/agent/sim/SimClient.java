package io.hapair.agent.sim;

import io.hapair.agent.core.Command;
import io.hapair.agent.core.Event;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One NBD client (one writer, as the export's contract says) that follows the virtual IP and keeps
 * a few requests in flight, never two on one block. Each request is recorded as invoked, then ok,
 * failed or unknown (no answer within its timeout); the checker judges the answers.
 */
final class SimClient {
  static final long TIMEOUT = 1000 * Sim.MS;

  private record Op(
      char kind,
      int block,
      int count,
      long[] values,
      boolean fua,
      long[] floors,
      Map<Integer, Long> covers,
      Sim.Node node,
      long invokedAt) {}

  private final Sim sim;
  private final Map<Long, Op> inFlight = new HashMap<>();
  private final Set<Integer> busy = new HashSet<>();
  private long nextRequest = 1;
  private long nextValue = 1;
  long stuckUntil;
  long lastOkAt = -1;
  long ok;
  long failed;
  long unknown;

  SimClient(Sim sim) {
    this.sim = sim;
  }

  /** Issues one request if the VIP is held somewhere and there is room. */
  void step() {
    Sim.Node target = sim.vipHolder();
    if (target == null || inFlight.size() >= 3) {
      return;
    }
    int roll = sim.rnd.nextInt(100);
    long request = nextRequest++;
    if (roll < 10) {
      inFlight.put(
          request,
          new Op('F', 0, 0, null, false, null, sim.checker.flushInvoked(), target, sim.now));
      send(target, new Event.ClientFlush(request), request);
      return;
    }
    int count = 1 + sim.rnd.nextInt(2);
    int block = sim.rnd.nextInt(sim.blocks - count + 1);
    for (int b = block; b < block + count; b++) {
      if (busy.contains(b)) {
        return;
      }
    }
    for (int b = block; b < block + count; b++) {
      busy.add(b);
    }
    long offset = (long) block * SimDisk.BLOCK;
    if (roll < 55) {
      long[] values = new long[count];
      ByteBuffer data = ByteBuffer.allocate(count * SimDisk.BLOCK);
      for (int i = 0; i < count; i++) {
        values[i] = nextValue++;
        data.putLong(values[i]);
      }
      boolean fua = sim.rnd.nextInt(10) < 3;
      inFlight.put(request, new Op('W', block, count, values, fua, null, null, target, sim.now));
      send(target, new Event.ClientWrite(request, offset, data.array(), fua), request);
    } else {
      long[] floors = sim.checker.floorsAtInvoke(target.idx);
      inFlight.put(request, new Op('R', block, count, null, false, floors, null, target, sim.now));
      send(target, new Event.ClientRead(request, offset, count * SimDisk.BLOCK), request);
    }
  }

  private void send(Sim.Node target, Event e, long request) {
    if (!sim.chance(sim.faults.messageLoss())) {
      sim.at(sim.now + sim.latency(), target, e);
    }
    sim.after(TIMEOUT, () -> timeout(request));
  }

  private void timeout(long request) {
    Op op = inFlight.remove(request);
    if (op != null) {
      unknown++;
      release(op);
    }
  }

  /** A reply left a node; it arrives unless the client has stopped reading. */
  void reply(Sim.Node from, Command.Reply r) {
    long arrival = Math.max(sim.now + sim.latency(), stuckUntil);
    boolean replicated = from.core.replicating();
    sim.after(arrival - sim.now, () -> arrived(from, r, replicated));
  }

  private void arrived(Sim.Node from, Command.Reply r, boolean replicated) {
    Op op = inFlight.get(r.request());
    if (op == null || op.node != from) {
      return;
    }
    inFlight.remove(r.request());
    release(op);
    if (!r.ok()) {
      failed++;
      return;
    }
    ok++;
    lastOkAt = sim.now;
    if (Sim.VERBOSE) {
      sim.note(
          "client ok "
              + op.kind
              + " block "
              + op.block
              + (op.values != null ? " values " + Arrays.toString(op.values) : "")
              + (op.fua ? " FUA" : "")
              + (op.covers != null ? " covers " + op.covers : ""));
    }
    switch (op.kind) {
      case 'W' -> {
        for (int i = 0; i < op.count; i++) {
          sim.checker.writeAcked(
              op.block + i, op.values[i], op.fua, op.invokedAt, from.idx, replicated);
        }
      }
      case 'F' -> sim.checker.flushAcked(from.idx, op.covers);
      default -> {
        ByteBuffer data = ByteBuffer.wrap(r.data());
        long[] now = sim.checker.floorsAtInvoke(from.idx);
        for (int i = 0; i < op.count; i++) {
          int b = op.block + i;
          sim.checker.readReturned(
              sim.now, from.name, b, data.getLong(), Math.min(op.floors[b], now[b]));
        }
      }
    }
  }

  private void release(Op op) {
    for (int b = op.block; b < op.block + op.count; b++) {
      busy.remove(b);
    }
  }
}
