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

  /** Per node: the newest acknowledged write per block it must still hold (its crash resets). */
  private final long[][] ackFloor;

  /** Writes acknowledged without FUA, not yet covered by a flush: value per block. */
  private final Map<Integer, Long> uncovered = new HashMap<>();

  /** When the write in {@link #uncovered} was invoked. */
  private final Map<Integer, Long> uncoveredInvokedAt = new HashMap<>();

  private final Map<Long, String> primaryOfEpoch = new HashMap<>();
  final List<String> violations = new ArrayList<>();
  private final long[] lastLossAt = {-1, -1};

  HistoryChecker(int blocks) {
    durableFloor = new long[blocks];
    ackFloor = new long[2][blocks];
  }

  /**
   * A write's answer arrived from node {@code by}; {@code replicated} says whether its peer had it
   * too (protocol C, connected). A node must hold it unless it lost power after the write was
   * invoked (its cache held it); a write answered alone is only on the node that answered it.
   */
  void writeAcked(int block, long value, boolean fua, long invokedAt, int by, boolean replicated) {
    for (int n = 0; n < 2; n++) {
      if ((n == by || replicated || fua) && (fua || invokedAt > lastLossAt[n])) {
        ackFloor[n][block] = Math.max(ackFloor[n][block], value);
      }
    }
    if (fua) {
      durableFloor[block] = Math.max(durableFloor[block], value);
    } else {
      if (value > uncovered.getOrDefault(block, 0L)) {
        uncovered.put(block, value);
        uncoveredInvokedAt.put(block, invokedAt);
      }
    }
  }

  /** What a flush invoked now will cover once acknowledged. */
  Map<Integer, Long> flushInvoked() {
    return new HashMap<>(uncovered);
  }

  /**
   * A flush answered by node {@code n} covers the writes answered before it was invoked, except
   * those {@code n} lost in a crash since (a flush on a new connection covers only what it has).
   */
  void flushAcked(int n, Map<Integer, Long> covered) {
    covered.forEach(
        (b, v) -> {
          if (uncoveredInvokedAt.getOrDefault(b, Long.MAX_VALUE) <= lastLossAt[n]
              && uncovered.getOrDefault(b, 0L).equals(v)) {
            return;
          }
          durableFloor[b] = Math.max(durableFloor[b], v);
          if (uncovered.getOrDefault(b, 0L) <= v) {
            uncovered.remove(b);
            uncoveredInvokedAt.remove(b);
          }
        });
  }

  /** Node {@code n} lost power: what it held only in its cache is gone from it. */
  void crashed(int n, long at) {
    lastLossAt[n] = at;
    System.arraycopy(durableFloor, 0, ackFloor[n], 0, durableFloor.length);
  }

  long[] floorsAtInvoke(int n) {
    long[] floors = new long[durableFloor.length];
    for (int b = 0; b < floors.length; b++) {
      floors[b] = floor(n, b);
    }
    return floors;
  }

  /** The newest write of block {@code b} that node {@code n} must hold. */
  private long floor(int n, int b) {
    return Math.max(ackFloor[n][b], durableFloor[b]);
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
  void startsServing(long at, int n, String node, long epoch, SimDisk disk) {
    String other = primaryOfEpoch.putIfAbsent(epoch, node);
    if (other != null && !other.equals(node)) {
      violations.add(at / Sim.MS + " ms: " + node + " and " + other + " both primary of " + epoch);
    }
    for (int b = 0; b < durableFloor.length; b++) {
      long has = disk.value(b);
      if (has < floor(n, b)) {
        violations.add(
            at / Sim.MS
                + " ms: "
                + node
                + " serves epoch "
                + epoch
                + " without acknowledged write "
                + floor(n, b)
                + " of block "
                + b
                + " (has "
                + has
                + (has < durableFloor[b] ? ", lost a durable write" : "")
                + ")");
      }
    }
  }

  /** The witness now lists a secondary as current: it must hold every acknowledged write. */
  void listedUpToDate(long at, int n, String node, SimDisk disk) {
    for (int b = 0; b < durableFloor.length; b++) {
      if (disk.value(b) < floor(n, b)) {
        violations.add(
            at / Sim.MS
                + " ms: the witness lists "
                + node
                + " as up to date, but it lacks acknowledged write "
                + floor(n, b)
                + " of block "
                + b
                + " (has "
                + disk.value(b)
                + ")");
        return;
      }
    }
  }

  void bothServing(long at) {
    violations.add(at / Sim.MS + " ms: both nodes allowed to serve");
  }
}
