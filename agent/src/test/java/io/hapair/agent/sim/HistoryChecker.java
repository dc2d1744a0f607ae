package io.hapair.agent.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one run's history as it happens. Every write has a unique, growing value per block, so
 * "older than" is a comparison. A write acknowledged with FUA, or acknowledged before an
 * acknowledged flush was invoked, is durable: it must survive anything. A write acknowledged
 * without either may vanish only with a crash (a volatile cache), never through a failover or a
 * stale read while no node crashed.
 */
final class HistoryChecker {
  private final long[] durableFloor;
  private final long[] ackFloor;

  /** Writes acknowledged without FUA, not yet covered by a flush: value per block. */
  private final Map<Integer, Long> uncovered = new HashMap<>();

  private final Map<Long, String> primaryOfEpoch = new HashMap<>();
  final List<String> violations = new ArrayList<>();

  HistoryChecker(int blocks) {
    durableFloor = new long[blocks];
    ackFloor = new long[blocks];
  }

  void writeAcked(int block, long value, boolean fua) {
    ackFloor[block] = Math.max(ackFloor[block], value);
    if (fua) {
      durableFloor[block] = Math.max(durableFloor[block], value);
    } else {
      uncovered.merge(block, value, Math::max);
    }
  }

  /** What a flush invoked now will cover once acknowledged. */
  Map<Integer, Long> flushInvoked() {
    return new HashMap<>(uncovered);
  }

  void flushAcked(Map<Integer, Long> covered) {
    covered.forEach(
        (b, v) -> {
          durableFloor[b] = Math.max(durableFloor[b], v);
          uncovered.computeIfPresent(b, (k, cur) -> cur <= v ? null : cur);
        });
  }

  /** A crash may lose what was acknowledged without durability. */
  void crashed() {
    System.arraycopy(durableFloor, 0, ackFloor, 0, ackFloor.length);
    uncovered.clear();
  }

  long[] floorsAtInvoke() {
    return ackFloor.clone();
  }

  void readReturned(long at, String node, int block, long value, long floor) {
    if (value < floor) {
      violations.add(
          at / Sim.MS
              + " ms: stale read from "
              + node
              + ": block "
              + block
              + " returned "
              + value
              + ", older than acknowledged "
              + floor);
    }
  }

  /** A node starts serving: everything durable (and, without a crash, acknowledged) is there. */
  void startsServing(long at, String node, long epoch, SimDisk disk) {
    String other = primaryOfEpoch.putIfAbsent(epoch, node);
    if (other != null && !other.equals(node)) {
      violations.add(at / Sim.MS + " ms: " + node + " and " + other + " both primary of " + epoch);
    }
    for (int b = 0; b < ackFloor.length; b++) {
      long has = disk.value(b);
      if (has < ackFloor[b]) {
        violations.add(
            at / Sim.MS
                + " ms: "
                + node
                + " serves epoch "
                + epoch
                + " without acknowledged write "
                + ackFloor[b]
                + " of block "
                + b
                + " (has "
                + has
                + (has < durableFloor[b] ? ", lost a durable write" : "")
                + ")");
      }
    }
  }

  void bothServing(long at) {
    violations.add(at / Sim.MS + " ms: both nodes allowed to serve");
  }
}
