package io.hapair.agent.core;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a node keeps in its metadata for the core. {@code activity} is the activity log: regions
 * with writes that may differ between the two disks if this node crashes now; after an unclean stop
 * they join {@code outOfSync}.
 *
 * @param epoch the last epoch this node led (0 for none)
 * @param highestSeen the highest epoch this node has seen anywhere
 */
public record DurableState(
    long epoch,
    long highestSeen,
    DiskState disk,
    Generations generations,
    Set<Integer> outOfSync,
    Set<Integer> activity,
    boolean clean) {

  public DurableState {
    outOfSync = Set.copyOf(outOfSync);
    activity = Set.copyOf(activity);
  }

  public static DurableState initial(long epoch, Generations generations) {
    return new DurableState(
        epoch, epoch, DiskState.UP_TO_DATE, generations, Set.of(), Set.of(), true);
  }

  DurableState withOutOfSync(Set<Integer> regions) {
    return new DurableState(epoch, highestSeen, disk, generations, regions, activity, clean);
  }

  DurableState withActivity(Set<Integer> regions) {
    return new DurableState(epoch, highestSeen, disk, generations, outOfSync, regions, clean);
  }

  DurableState withClean(boolean c) {
    return new DurableState(epoch, highestSeen, disk, generations, outOfSync, activity, c);
  }

  DurableState withDisk(DiskState d) {
    return new DurableState(epoch, highestSeen, d, generations, outOfSync, activity, clean);
  }

  DurableState withGenerations(Generations g) {
    return new DurableState(epoch, highestSeen, disk, g, outOfSync, activity, clean);
  }

  DurableState withHighestSeen(long e) {
    return new DurableState(
        epoch, Math.max(highestSeen, e), disk, generations, outOfSync, activity, clean);
  }

  DurableState led(long e) {
    return new DurableState(
        e, Math.max(highestSeen, e), disk, generations, outOfSync, activity, clean);
  }

  /** After an unclean stop, every region in the activity log may differ from the peer. */
  DurableState recovered() {
    Set<Integer> oos = new TreeSet<>(outOfSync);
    oos.addAll(activity);
    return new DurableState(epoch, highestSeen, disk, generations, oos, Set.of(), false);
  }
}
