package io.hapair.agent.volume;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A volume's meters, named the Prometheus way (hapair_..., base units, _total for counters) and
 * labelled with the pair's labels, group and node. Every series an alert reads exists from the
 * start. When the volume closes, every meter carrying its labels goes, including the witness, NBD,
 * hook and ARP meters that other classes registered for it.
 */
final class VolumeMeters implements AutoCloseable {
  private final MeterRegistry registry = Metrics.globalRegistry;
  private final Tags tags;
  private final Timer writeLatency;
  private final Timer linkRtt;
  private final Timer udpRtt;
  private final Counter failovers;
  private final Counter witnessDistrusted;
  private final Timer failoverDuration;

  VolumeMeters(ReplicatedVolume volume, VolumeConfig config) {
    tags = tags(config);
    Gauge.builder("hapair.role", volume, v -> v.role() == Role.PRIMARY ? 1 : 0)
        .description("1 while this node is primary of the group")
        .tags(tags)
        .register(registry);
    Gauge.builder("hapair.epoch", volume, ReplicatedVolume::epoch)
        .description("The primary term this node leads (0 while secondary)")
        .tags(tags)
        .register(registry);
    Gauge.builder("hapair.replication.connected", volume, v -> v.connected() ? 1 : 0)
        .description("1 while the replication link is up")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "hapair.disk.up.to.date",
            volume,
            v -> v.metadata().diskState() == DiskState.UP_TO_DATE ? 1 : 0)
        .description("1 while this node's disk is UpToDate")
        .tags(tags)
        .register(registry);
    Gauge.builder("hapair.out.of.sync", volume, ReplicatedVolume::outOfSyncBytes)
        .description("Bytes marked out of sync with the peer")
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder("hapair.resync", volume, ReplicatedVolume::resyncedBytes)
        .description("Bytes sent by resyncs")
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
    Gauge.builder("hapair.lease.remaining", volume, v -> Math.max(0, v.leaseRemainingNanos()) / 1e9)
        .description("How long this primary may still answer without a new grant")
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "hapair.peer.outdated",
            volume,
            v ->
                v.role() == Role.PRIMARY && v.peerState() == ReplicatedVolume.PeerState.DEGRADED
                    ? 1
                    : 0)
        .description("1 while this primary runs alone with its peer recorded as outdated")
        .tags(tags)
        .register(registry);
    Gauge.builder("hapair.split.brain", volume, v -> v.splitBrain() ? 1 : 0)
        .description("1 while the link is refused because both nodes changed data separately")
        .tags(tags)
        .register(registry);
    writeLatency =
        Timer.builder("hapair.write.latency")
            .description("From a write's submission to its acknowledgement")
            .tags(tags.and("protocol", config.protocol().name()))
            .publishPercentileHistogram()
            .register(registry);
    linkRtt = (heartbeatRtt(tags.and("path", "link")));
    udpRtt = (heartbeatRtt(tags.and("path", "udp")));
    for (String path : new String[] {"link", "udp"}) {
      Gauge.builder("hapair.peer.heard", volume, v -> v.peerHeardOn(path) ? 1 : 0)
          .description("1 while the peer was heard on this heartbeat path within the dead time")
          .tags(tags.and("path", path))
          .register(registry);
    }
    failoverDuration =
        Timer.builder("hapair.failover.duration")
            .description("From losing the primary to this node's promotion")
            .tags(tags)
            .publishPercentileHistogram()
            .register(registry);
    failovers = Failovers.counter(registry, tags, Failovers.PEER_LOST);
    Failovers.REASONS.forEach(reason -> Failovers.counter(registry, tags, reason));
    witnessDistrusted =
        Counter.builder("hapair.witness.distrusted")
            .description("Witness records refused as rolled back or foreign (automation stopped)")
            .tags(tags)
            .register(registry);
  }

  private Timer heartbeatRtt(Tags tags) {
    return Timer.builder("hapair.heartbeat.rtt")
        .description("Round trip of heartbeats, per path (the replication link, the UDP path)")
        .tags(tags)
        .publishPercentileHistogram()
        .register(registry);
  }

  static Tags tags(VolumeConfig config) {
    return config.meterTags();
  }

  void writeAcknowledged(long latencyNanos) {
    writeLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  void linkHeartbeat(long rttNanos) {
    linkRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  void udpHeartbeat(long rttNanos) {
    udpRtt.record(rttNanos, TimeUnit.NANOSECONDS);
  }

  void witnessDistrusted() {
    witnessDistrusted.increment();
  }

  void tookOver(long durationNanos) {
    failovers.increment();
    failoverDuration.record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    List<Meter> ours =
        registry.getMeters().stream()
            .filter(m -> m.getId().getTags().containsAll(tags.stream().toList()))
            .toList();
    ours.forEach(registry::remove);
  }
}
