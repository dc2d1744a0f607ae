package io.hapair.agent.meta;

import java.util.List;

/**
 * What a node knows about its disk, persisted beside it (external metadata, as DRBD's meta-disk):
 * whose disk it is, how current, and the primary's activity log.
 *
 * @param diskIdentity the disk's path and size as initialized, so a renumbered /dev/sdX is noticed
 * @param highestEpoch the highest primary term this node has seen; it never goes down
 * @param cleanShutdown false while the volume is open; a primary that crashed leaves it false
 * @param activityLog extents (of {@link ActivityLog#EXTENT_SIZE}) that may hold writes the peer
 *     lacks
 */
public record Metadata(
    String pairUid,
    String node,
    String group,
    String diskIdentity,
    long size,
    int regionSize,
    Role role,
    DiskState diskState,
    long highestEpoch,
    Generations generations,
    boolean cleanShutdown,
    List<Long> activityLog) {

  public Metadata withRole(Role r) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        r,
        diskState,
        highestEpoch,
        generations,
        cleanShutdown,
        activityLog);
  }

  public Metadata withDiskState(DiskState d) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        role,
        d,
        highestEpoch,
        generations,
        cleanShutdown,
        activityLog);
  }

  public Metadata withHighestEpoch(long epoch) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        role,
        diskState,
        Math.max(highestEpoch, epoch),
        generations,
        cleanShutdown,
        activityLog);
  }

  public Metadata withGenerations(Generations g) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        role,
        diskState,
        highestEpoch,
        g,
        cleanShutdown,
        activityLog);
  }

  public Metadata withCleanShutdown(boolean clean) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        role,
        diskState,
        highestEpoch,
        generations,
        clean,
        activityLog);
  }

  public Metadata withActivityLog(List<Long> extents) {
    return new Metadata(
        pairUid,
        node,
        group,
        diskIdentity,
        size,
        regionSize,
        role,
        diskState,
        highestEpoch,
        generations,
        cleanShutdown,
        List.copyOf(extents));
  }

  public long regions() {
    return (size + regionSize - 1) / regionSize;
  }
}
