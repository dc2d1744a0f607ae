package io.hapair.agent.kube;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import java.time.Instant;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** A volume's facts as the per-node object reports them. */
final class GroupReports {
  private final LongSupplier monotonic;
  private final Supplier<Instant> wallClock;
  // The wall-clock start of each takeover, computed once so that repeated reports are equal.
  private final Map<ReplicatedVolume.Takeover, String> startedAt = new WeakHashMap<>();

  GroupReports(LongSupplier monotonic, Supplier<Instant> wallClock) {
    this.monotonic = monotonic;
    this.wallClock = wallClock;
  }

  GroupReport of(ReplicatedVolume volume) {
    GroupReport report = new GroupReport();
    Role role = volume.role();
    report.setName(volume.config().group());
    report.setRole(role == Role.PRIMARY ? NodeRole.Primary : NodeRole.Secondary);
    report.setEpoch(volume.epoch());
    report.setHighestEpoch(volume.metadata().highestEpoch());
    report.setDiskState(diskState(volume.metadata().diskState()));
    report.setConnection(connection(volume, role));
    report.setOutOfSyncBytes(volume.outOfSyncBytes());
    report.setFault(volume.fault());
    report.setSplitBrain(volume.splitBrain());
    ReplicatedVolume.Takeover takeover = volume.lastTakeover();
    if (takeover != null) {
      report.setLastTakeover(record(volume, takeover));
    }
    return report;
  }

  private FailoverRecord record(ReplicatedVolume volume, ReplicatedVolume.Takeover takeover) {
    FailoverRecord record = new FailoverRecord();
    record.setFrom(takeover.from());
    record.setTo(volume.config().node());
    record.setReason("PeerLost");
    long detectNanos = volume.config().deadAfter().toNanos();
    synchronized (startedAt) {
      record.setStartedAt(
          startedAt.computeIfAbsent(
              takeover,
              t ->
                  wallClock
                      .get()
                      .minusNanos(monotonic.getAsLong() - t.linkLostNanos() + detectNanos)
                      .toString()));
    }
    record.setDetectMs(detectNanos / 1_000_000);
    record.setArbitrateMs((takeover.promotedNanos() - takeover.linkLostNanos()) / 1_000_000);
    return record;
  }

  private static LinkState connection(ReplicatedVolume volume, Role role) {
    if (role == Role.PRIMARY) {
      return switch (volume.peerState()) {
        case CONNECTED -> LinkState.Connected;
        case SYNC_SOURCE -> LinkState.SyncSource;
        case FENCING -> LinkState.Fencing;
        case DEGRADED -> LinkState.Degraded;
        case NONE -> LinkState.Disconnected;
      };
    }
    if (!volume.connected()) {
      return LinkState.Disconnected;
    }
    return volume.metadata().diskState() == DiskState.UP_TO_DATE
        ? LinkState.Connected
        : LinkState.SyncTarget;
  }

  private static NodeDiskState diskState(DiskState state) {
    return switch (state) {
      case UP_TO_DATE -> NodeDiskState.UpToDate;
      case OUTDATED -> NodeDiskState.Outdated;
      case INCONSISTENT -> NodeDiskState.Inconsistent;
    };
  }
}
