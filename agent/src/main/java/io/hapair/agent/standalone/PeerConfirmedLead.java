package io.hapair.agent.standalone;

import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.Hello;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.common.Daemons;
import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that the witness record names, but that may not trust the record alone at start (see
 * {@link StartRole}): it runs as secondary and looks, every {@link #LOOK_EVERY}, for a link to its
 * peer. Once linked, the peer's HELLO says which epochs it has seen: nothing newer than the record
 * and the record still names this node, it promotes; anything newer, the record is an older copy
 * and automation stops with an alarm; the peer leading, this node follows. A person may also
 * confirm the lead without the peer ({@link #confirm}). One watcher per group, ended by the first
 * verdict or by closing.
 */
final class PeerConfirmedLead implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(PeerConfirmedLead.class);
  static final Duration LOOK_EVERY = Duration.ofMillis(200);

  private final ReplicatedVolume volume;
  private final Arbiter witness;
  private final WitnessRecord atStart;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(Daemons.named("peer-confirmed-lead"));
  private boolean decided;

  PeerConfirmedLead(ReplicatedVolume volume, Arbiter witness, WitnessRecord atStart) {
    this.volume = volume;
    this.witness = witness;
    this.atStart = atStart;
  }

  PeerConfirmedLead start() {
    timer.scheduleWithFixedDelay(
        this::look, LOOK_EVERY.toMillis(), LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The epoch of the record this node waits to lead from. */
  long recordEpoch() {
    return atStart.epoch();
  }

  /** Whether this node still waits for its peer before leading. */
  synchronized boolean waiting() {
    return !decided;
  }

  /**
   * A person states that the peer has seen nothing after {@code sinceEpoch} (it is lost, and any
   * writes it took after that epoch may be lost): leads now if that is the record's epoch.
   *
   * @return null if the lead was started, else why not
   */
  synchronized String confirm(String loseWritesOf, long sinceEpoch) {
    if (decided) {
      return "not waiting for the peer";
    }
    if (!volume.config().peerNode().equals(loseWritesOf) || sinceEpoch != atStart.epoch()) {
      return "this node waits for its peer to lead epoch "
          + (atStart.epoch() + 1)
          + "; to lead without it, confirm with lose-writes-of="
          + volume.config().peerNode()
          + " since-epoch="
          + atStart.epoch();
    }
    log.warn(
        "{}: a person confirmed that {} has seen nothing after epoch {}: leading without it",
        volume.config().logPrefix(),
        loseWritesOf,
        sinceEpoch);
    lead();
    return null;
  }

  private synchronized void look() {
    if (decided) {
      return;
    }
    if (volume.role() == Role.PRIMARY) {
      decided = true; // promoted some other way (a handover, a forced promotion)
      return;
    }
    Hello peer = volume.peerHello();
    if (peer == null) {
      return;
    }
    String prefix = volume.config().logPrefix();
    if (peer.role() == Role.PRIMARY) {
      decided = true;
      log.info("{}: {} leads epoch {}; not taking the role", prefix, peer.node(), peer.epoch());
      return;
    }
    if (Math.max(peer.epoch(), peer.highestEpoch()) > atStart.epoch()) {
      decided = true;
      volume.stopAutomation(
          volume.config().peerNode()
              + " has seen epoch "
              + Math.max(peer.epoch(), peer.highestEpoch())
              + ", newer than the witness record's epoch "
              + atStart.epoch()
              + ": the record is an older copy (restored from a backup?)");
      return;
    }
    log.info(
        "{}: {} has seen nothing after epoch {}: leading", prefix, peer.node(), atStart.epoch());
    lead();
  }

  /** Promotes if the record still names this node at the epoch seen at start. Holds the lock. */
  private void lead() {
    decided = true;
    String prefix = volume.config().logPrefix();
    witness
        .read()
        .thenCompose(
            now -> {
              if (now.epoch() != atStart.epoch() || !sameLeader(now)) {
                throw new IllegalStateException(
                    "the witness record changed to epoch "
                        + now.epoch()
                        + " led by '"
                        + now.primary()
                        + "' while this node waited");
              }
              return volume.promote();
            })
        .whenComplete(
            (epoch, failure) -> {
              if (failure != null) {
                log.warn(
                    "{}: not leading: {}",
                    prefix,
                    failure.getCause() != null ? failure.getCause().getMessage() : failure);
              } else {
                log.info("{}: primary of epoch {}", prefix, epoch);
              }
            });
  }

  private boolean sameLeader(WitnessRecord now) {
    String was = atStart.primary() == null ? "" : atStart.primary();
    return was.equals(now.primary() == null ? "" : now.primary());
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
