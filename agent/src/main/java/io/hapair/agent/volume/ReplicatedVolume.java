package io.hapair.agent.volume;

import io.hapair.agent.disk.BlockStore;
import io.hapair.agent.meta.ActivityLog;
import io.hapair.agent.meta.Bitmap;
import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Metadata;
import io.hapair.agent.meta.MetadataStore;
import io.hapair.agent.meta.Role;
import io.hapair.agent.nbd.ExportUnavailableException;
import io.hapair.agent.nbd.NbdExport;
import io.hapair.agent.replication.Frame;
import io.hapair.agent.replication.FrameType;
import io.hapair.agent.replication.Hello;
import io.hapair.agent.replication.LinkHandshake;
import io.hapair.agent.replication.PeerSession;
import io.hapair.agent.replication.ReplicationProtocolException;
import io.hapair.agent.replication.SplitBrainResolver;
import io.hapair.agent.replication.SyncDecision;
import io.hapair.agent.replication.UdpHeartbeat;
import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.ConflictException;
import io.hapair.agent.witness.MeteredArbiter;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.api.v1alpha1.VerifyAlgorithm;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.Daemons;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service group's replicated volume on one node: the NBD export while primary, the peer's
 * follower while secondary.
 *
 * <p>On the primary every request takes a place in one ordered stream: the local writer applies the
 * stream in order and the link carries it in the same order to the secondary, which applies it in
 * order too. Each request is answered when its local part and the part of the peer that its
 * protocol requires are done. When the peer is lost, the requests it had not confirmed are marked
 * out of sync and nothing the peer lacks is acknowledged until the witness records the peer as
 * outdated.
 */
public final class ReplicatedVolume implements NbdExport, Closeable, PeerSession.Listener {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedVolume.class);
  private static final long MAX_IN_FLIGHT_BYTES = 64L << 20;
  private static final int FLUSH_PERMITS = 4096;
  private static final String SPLIT_BRAIN_FAULT = "split brain";

  /** Where the primary stands with its peer. */
  public enum PeerState {
    /** No link, and nothing decided about the peer yet. */
    NONE,
    /** Link up, peer current. */
    CONNECTED,
    /** Link up, peer receiving a resync; writes replicate as usual. */
    SYNC_SOURCE,
    /** Peer lost; recording it as outdated at the witness. Writes wait. */
    FENCING,
    /** Peer recorded as outdated; writes tracked in the bitmap. */
    DEGRADED
  }

  private final VolumeConfig config;
  private final BlockStore store;
  private final MetadataStore meta;
  private final Arbiter arbiter;
  private final String logPrefix;
  private final Semaphore inFlightBytes = new Semaphore((int) (MAX_IN_FLIGHT_BYTES / 4096));
  private final BlockingQueue<Request> localQueue = new LinkedBlockingQueue<>();
  private final Map<Long, Request> awaitingPeer = new LinkedHashMap<>();
  private final List<Request> awaitingFence = new ArrayList<>();
  private final UnflushedAtPeer unflushedAtPeer = new UnflushedAtPeer();
  private final ActivityLog activityLog;
  private final ScheduledExecutorService timers;
  private final LongSupplier clock = System::nanoTime;
  private final VolumeMeters meters;
  private final UpToDateMarker upToDateMarker;
  private final Thread writer;

  /**
   * This node's authority while primary: renewed by the peer's heartbeat answers or the witness.
   */
  private final Lease lease;

  /** The secondary's promise: it will not promote until this long after its last grant. */
  private final long secondaryTermNanos;

  private volatile long lastGrantNanos;

  /** The second heartbeat path, or null when the config has none or it could not bind. */
  private final UdpHeartbeat udpPath;

  /** Set while this node is promoting: it then grants its peer nothing more. Guarded by this. */
  private boolean promoting;

  /** Whether this takeover attempt already said that the primary is still heard over UDP. */
  private volatile boolean toldPrimaryStillHeard;

  private volatile TransitionListener transitions = new TransitionListener() {};

  /** Told of role changes and faults, after they happened (hooks, status). */
  public interface TransitionListener {
    default void becamePrimary(long epoch) {}

    default void becameSecondary(String why) {}

    default void fault(String why) {}
  }

  public void onTransitions(TransitionListener listener) {
    this.transitions = listener;
  }

  private volatile long promotedAfterNanos;

  // Guarded by this.
  private Role role = Role.SECONDARY;
  private long epoch;
  private boolean serving;
  private boolean fencingRunning;
  private PeerState peerState = PeerState.NONE;
  private PeerSession session;
  private SecondaryApplier applier;

  /** When the last applier has put every frame it received on the disk. */
  private CompletableFuture<Void> applierDrained = CompletableFuture.completedFuture(null);

  private ResyncSource resync;
  private boolean peerBitmapComplete;
  private long nextId;
  private String fault;
  private volatile boolean closed;
  private final AtomicLong resyncedBytes = new AtomicLong();

  private ReplicatedVolume(
      VolumeConfig config, BlockStore store, MetadataStore meta, Arbiter arbiter) {
    this.config = config;
    this.store = store;
    this.meta = meta;
    this.arbiter = new MeteredArbiter(arbiter, VolumeMeters.tags(config));
    this.logPrefix = config.logPrefix();
    this.activityLog = new ActivityLog(MetadataStore.MAX_ACTIVITY_LOG / 2, List.of());
    // The primary's term is the shorter one, so a link cut makes it stop answering before the
    // secondary may take over.
    this.lease = new Lease(clock, config.deadAfter().toNanos());
    this.secondaryTermNanos = config.deadAfter().toNanos() * 3 / 2;
    this.lastGrantNanos = clock.getAsLong();
    this.autoFailover = config.autoFailover();
    this.timers =
        Executors.newSingleThreadScheduledExecutor(Daemons.named("volume-timer-" + config.node()));
    this.meters = new VolumeMeters(this, config);
    this.upToDateMarker =
        new UpToDateMarker(this.arbiter, timers, config.node(), config.peerNode(), logPrefix);
    this.writer = Daemons.start("volume-writer-" + config.node(), this::localWriterLoop);
    timers.scheduleWithFixedDelay(this::checkDataPath, 200, 200, TimeUnit.MILLISECONDS);
    long renewMillis = Math.max(10, config.deadAfter().toMillis() / 4);
    timers.scheduleWithFixedDelay(
        this::renewAtWitness, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
    // A fifth of a heartbeat: the verdict comes at most that late after the dead time.
    long check =
        Math.max(TimeUnit.MILLISECONDS.toNanos(5), config.heartbeatInterval().toNanos() / 5);
    timers.scheduleWithFixedDelay(this::checkPeerHeard, check, check, TimeUnit.NANOSECONDS);
    this.udpPath = config.hasUdpHeartbeat() ? startUdpPath() : null; // last: it calls back
  }

  /** Opens the volume as secondary (a node never promotes on its own). */
  public static ReplicatedVolume open(VolumeConfig config, BlockStore store, Arbiter arbiter)
      throws IOException {
    MetadataStore meta = VolumeOpener.open(config, store);
    return new ReplicatedVolume(config, store, meta, arbiter);
  }

  public VolumeConfig config() {
    return config;
  }

  // ---------------------------------------------------------------- state, for status and tests

  public synchronized Role role() {
    return role;
  }

  public synchronized long epoch() {
    return epoch;
  }

  public synchronized PeerState peerState() {
    return peerState;
  }

  public synchronized boolean connected() {
    return session != null && session.isOpen();
  }

  public Metadata metadata() {
    return meta.metadata();
  }

  public long outOfSyncBytes() {
    return meta.bitmap().outOfSyncBytes();
  }

  /** Bytes sent by resyncs since this volume was opened. */
  public long resyncedBytes() {
    return resyncedBytes.get();
  }

  public synchronized String fault() {
    return fault;
  }

  /** True while the link is refused because both nodes changed data separately. */
  public synchronized boolean splitBrain() {
    return fault != null && fault.startsWith(SPLIT_BRAIN_FAULT);
  }

  // ---------------------------------------------------------------- NbdExport

  @Override
  public String name() {
    return config.group();
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public boolean multiConn() {
    // One ordered stream per volume: a FLUSH follows every write acknowledged before it, from any
    // connection, on both nodes.
    return true;
  }

  @Override
  public synchronized boolean mayServe() {
    return role == Role.PRIMARY && serving && !closed && lease.valid();
  }

  /** How long this primary may still answer without a new grant; negative when lapsed. */
  public long leaseRemainingNanos() {
    return lease.remainingNanos();
  }

  // ---------------------------------------------------------------- the lease

  @Override
  public void onPong(PeerSession from, long sentNanos) {
    meters.linkHeartbeat(clock.getAsLong() - sentNanos);
    synchronized (this) {
      if (from != session || role != Role.PRIMARY) {
        return;
      }
    }
    lease.extendFrom(sentNanos);
  }

  @Override
  public synchronized boolean answerPing(PeerSession from) {
    // Decided under the lock that promote() sets `promoting` under: a grant recorded before it is
    // in the lease wait that promote() computes, and none is given after it.
    if (promoting || closed) {
      return false;
    }
    // Only a primary relies on this node's promise not to promote.
    if (from.peer().role() == Role.PRIMARY) {
      lastGrantNanos = clock.getAsLong();
    }
    return true;
  }

  // ---------------------------------------------------------------- the UDP heartbeat path

  private UdpHeartbeat startUdpPath() {
    try {
      return UdpHeartbeat.start(
          new UdpHeartbeat.Identity(
              config.pairUid(), config.group(), config.node(), config.peerNode()),
          config.heartbeatListen(),
          config.heartbeatPeer(),
          config.heartbeatInterval(),
          config.pairKey(),
          new UdpPathListener());
    } catch (IOException e) {
      log.error(
          "{}: no UDP heartbeat path: {}; the replication link alone tells whether {} lives",
          logPrefix,
          e.getMessage(),
          config.peerNode());
      return null;
    }
  }

  /**
   * The same lease rules as the link's pings: a secondary's answer to a primary's ping is a grant
   * not to promote for its term, and the primary counts its lease from the ping's send stamp. A
   * newer primary heard on this path makes an older one step down at once.
   */
  private final class UdpPathListener implements UdpHeartbeat.Listener {
    @Override
    public UdpHeartbeat.Stated stated() {
      synchronized (ReplicatedVolume.this) {
        return role == Role.PRIMARY
            ? new UdpHeartbeat.Stated(Role.PRIMARY, epoch)
            : new UdpHeartbeat.Stated(Role.SECONDARY, meta.metadata().highestEpoch());
      }
    }

    @Override
    public boolean onPing(Role peerRole, long peerEpoch) {
      synchronized (ReplicatedVolume.this) {
        if (closed || stepDownForNewerPrimary(peerRole, peerEpoch) || role == Role.PRIMARY) {
          return false;
        }
        if (promoting || peerRole != Role.PRIMARY || peerEpoch < meta.metadata().highestEpoch()) {
          return false;
        }
        lastGrantNanos = clock.getAsLong();
        return true;
      }
    }

    @Override
    public void onPong(long stampNanos, Role peerRole, long peerEpoch, boolean granted) {
      meters.udpHeartbeat(clock.getAsLong() - stampNanos);
      synchronized (ReplicatedVolume.this) {
        if (closed || stepDownForNewerPrimary(peerRole, peerEpoch)) {
          return;
        }
        if (granted && role == Role.PRIMARY) {
          lease.extendFrom(stampNanos);
        }
      }
    }
  }

  /** Holds the lock. True when this primary just stepped down for a peer leading a newer term. */
  private boolean stepDownForNewerPrimary(Role peerRole, long peerEpoch) {
    if (role != Role.PRIMARY || peerRole != Role.PRIMARY || peerEpoch <= epoch) {
      return false;
    }
    stepDown(config.peerNode() + " is primary of epoch " + peerEpoch + " (heard over UDP)");
    return true;
  }

  /** Whether the peer was heard on {@code path} ("link" or "udp") within the dead time. */
  boolean peerHeardOn(String path) {
    long dead = config.deadAfter().toNanos();
    if (path.equals("udp")) {
      return udpPath != null && udpPath.heardWithin(dead);
    }
    PeerSession s;
    synchronized (this) {
      s = session;
    }
    return s != null && s.isOpen() && clock.getAsLong() - s.lastReceivedNanos() < dead;
  }

  /**
   * The link is given up when neither path has heard the peer for the dead time. While the UDP path
   * still hears the peer, a silent stream is TCP retransmitting through loss: it is kept until the
   * data timeout (the bound on a write waiting for the peer), then dropped.
   */
  private void checkPeerHeard() {
    try {
      PeerSession s;
      synchronized (this) {
        s = session;
      }
      if (s == null || !s.isOpen()) {
        return;
      }
      long silent = clock.getAsLong() - s.lastReceivedNanos();
      long dead = config.deadAfter().toNanos();
      if (silent < dead) {
        return;
      }
      long silentMillis = silent / 1_000_000;
      if (udpPath == null || !udpPath.heardWithin(dead)) {
        s.close(
            "nothing from "
                + config.peerNode()
                + " for "
                + silentMillis
                + " ms"
                + (udpPath == null ? "" : " on either heartbeat path"));
      } else if (silent >= config.dataTimeout().toNanos()) {
        s.close(
            "link silent for "
                + silentMillis
                + " ms although "
                + config.peerNode()
                + " is heard over UDP");
      }
    } catch (RuntimeException e) {
      log.warn("{}: checking the peer's heartbeats failed: {}", logPrefix, e.toString());
    }
  }

  /**
   * Why a witness record cannot be trusted, or null: one of another pair (a replaced witness), or
   * older than the highest epoch this node has seen (a witness restored from a backup or rolled
   * back). Acting on either could hand the role to a node with stale data.
   */
  private String distrust(WitnessRecord record, long highestSeen) {
    if (!record.pairUid().equals(config.pairUid())) {
      return "the witness holds the record of pair "
          + record.pairUid()
          + ", not of "
          + config.pairUid()
          + " (replaced?)";
    }
    if (record.epoch() < highestSeen) {
      return "the witness record is at epoch "
          + record.epoch()
          + ", older than epoch "
          + highestSeen
          + " seen here (rolled back?)";
    }
    return null;
  }

  /** A rule refused a promotion (a verdict, not a failure to ask): a takeover does not retry. */
  static final class PromotionRefused extends IllegalStateException {
    PromotionRefused(String message) {
      super(message);
    }
  }

  /** The witness names another primary or a newer epoch: this node no longer leads. */
  private static final class RecordLost extends RuntimeException {
    RecordLost(String message) {
      super(message);
    }
  }

  private static final class WitnessDistrusted extends RuntimeException {
    WitnessDistrusted(String message) {
      super(message);
    }
  }

  /**
   * A witness record that cannot be trusted stops automation on this node (no takeover, no fencing
   * on it) and says so once, loudly: a person restores the witness or force-promotes.
   */
  private void witnessAlarm(String why) {
    autoFailover = false;
    meters.witnessDistrusted();
    synchronized (this) {
      if (fault == null) {
        fault = "witness distrusted: " + why; // the status shows it
      }
    }
    if (!witnessAlarmRaised) {
      witnessAlarmRaised = true;
      log.error(
          "{}: ALARM {}: automation stopped; restore the witness's state, or force-promote after"
              + " checking which node has the newest data (runbook)",
          logPrefix,
          why);
      transitions.fault(why);
    }
  }

  private volatile boolean witnessAlarmRaised;

  /** Without a link, the primary renews its lease by reading the witness record. */
  private void renewAtWitness() {
    long term;
    synchronized (this) {
      if (role != Role.PRIMARY || closed || !serving || session != null) {
        return;
      }
      term = epoch;
    }
    long sent = clock.getAsLong();
    arbiter
        .read()
        .whenComplete(
            (record, failure) -> {
              if (failure != null) {
                return; // unknown: the lease runs down; the next renewal tries again
              }
              String distrust = distrust(record, meta.metadata().highestEpoch());
              if (distrust != null) {
                witnessAlarm(distrust); // no renewal: the lease runs down
                return;
              }
              if (record.epoch() == term
                  && config.node().equals(record.primary())
                  && !record.isUpToDate(config.peerNode())) {
                // Only a record that shows the peer outdated keeps this node leading alone: while
                // it lists the peer as current (fencing not yet written), the peer may take over.
                lease.extendFrom(sent);
              } else if (record.epoch() > term) {
                synchronized (this) {
                  stepDown(
                      "the witness names "
                          + record.primary()
                          + " primary of epoch "
                          + record.epoch());
                }
              }
            });
  }

  @Override
  public void read(long offset, ByteBuffer into) throws IOException {
    if (!mayServe()) {
      throw new ExportUnavailableException(logPrefix + " is not serving");
    }
    store.read(offset, into);
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data, boolean fua) {
    return submit(
        new Request(
            Request.Kind.WRITE, offset, data.remaining(), data, fua, permitsFor(data.remaining())));
  }

  /**
   * Zeroes in pieces of at most {@link #MAX_PIECE} bytes, each submitted once the activity log has
   * room for it: a request larger than the log (a 4 GiB WRITE_ZEROES) never evicts its own extents.
   */
  @Override
  public CompletableFuture<Void> writeZeroes(long offset, long length, boolean fua) {
    List<CompletableFuture<Void>> pieces = new ArrayList<>();
    long end = offset + length;
    for (long at = offset; at < end || pieces.isEmpty(); at += MAX_PIECE) {
      long piece = Math.min(MAX_PIECE, end - at);
      CompletableFuture<Void> done =
          submit(new Request(Request.Kind.ZEROES, at, piece, null, fua, 1));
      pieces.add(done);
      if (done.isCompletedExceptionally()) {
        break;
      }
    }
    return pieces.size() == 1
        ? pieces.get(0)
        : CompletableFuture.allOf(pieces.toArray(CompletableFuture[]::new));
  }

  /** The largest piece of the stream a request may hold: 16 activity-log extents. */
  static final long MAX_PIECE = 16 * ActivityLog.EXTENT_SIZE;

  @Override
  public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
    // A discard is a hint; neither node discards, so both stay identical.
    return mayServe()
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.failedFuture(new ExportUnavailableException("not serving"));
  }

  @Override
  public CompletableFuture<Void> flush() {
    return submit(new Request(Request.Kind.FLUSH, 0, 0, null, false, 1));
  }

  private static int permitsFor(long bytes) {
    return (int) Math.max(1, Math.min(FLUSH_PERMITS, (bytes + 4095) / 4096));
  }

  // ---------------------------------------------------------------- the primary's ordered stream

  private CompletableFuture<Void> submit(Request r) {
    if (!mayServe()) {
      return CompletableFuture.failedFuture(
          new ExportUnavailableException(logPrefix + " is not serving"));
    }
    try {
      if (!inFlightBytes.tryAcquire(r.permits, 30, TimeUnit.SECONDS)) {
        return CompletableFuture.failedFuture(new IOException("volume stalled for 30 s"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      try {
        if (r.changesData()) {
          recordActivity(r);
        }
      } catch (IOException e) {
        inFlightBytes.release(r.permits);
        return CompletableFuture.failedFuture(e);
      }
      if (!mayServe()) {
        fail(r, new ExportUnavailableException("not serving"));
        return r.done;
      }
      enqueue(r);
    }
    return r.done;
  }

  /** Puts a request in the stream: locally and, in the same order, to the peer. Holds the lock. */
  private void enqueue(Request r) {
    r.id = ++nextId;
    r.submittedNanos = System.nanoTime();
    localQueue.add(r);
    switch (peerState) {
      case CONNECTED, SYNC_SOURCE -> sendToPeer(r);
      case DEGRADED -> {
        markOutOfSync(r);
        r.remoteDone = true;
      }
      default -> {
        markOutOfSync(r);
        awaitingFence.add(r);
        startFencing("peer not connected");
      }
    }
  }

  private void sendToPeer(Request r) {
    awaitingPeer.put(r.id, r);
    int flags = r.fua ? Frame.FLAG_FUA : 0;
    ByteBuffer head = ByteBuffer.allocate(24).putLong(r.id);
    Runnable onSent = config.protocol() == Protocol.A ? () -> remoteDone(r) : null;
    switch (r.kind) {
      case WRITE ->
          session.send(
              FrameType.WRITE, flags, onSent, head.putLong(r.offset).flip(), r.data.duplicate());
      case ZEROES ->
          session.send(
              FrameType.ZEROES, flags, onSent, head.putLong(r.offset).putLong(r.length).flip());
      case FLUSH -> {
        session.send(FrameType.FLUSH, 0, null, head.flip());
        if (config.protocol() == Protocol.A) {
          r.remoteDone = true; // protocol A: a flush is local durability only
        }
      }
      case RESYNC -> session.sendLater(FrameType.RESYNC_DATA, 0, () -> resyncPayload(r), null);
      case VERIFY ->
          session.send(
              FrameType.VERIFY,
              verifyFlag(),
              null,
              head.putLong(r.offset).putLong(r.length).flip());
      case RESYNC_DONE -> {
        Generations g = meta.metadata().generations().resyncedAsSource();
        head = ByteBuffer.allocate(40).putLong(r.id).putLong(g.current()).putLong(g.bitmap());
        session.send(
            FrameType.RESYNC_DONE,
            0,
            null,
            head.putLong(g.history0()).putLong(g.history1()).flip());
      }
    }
  }

  private ByteBuffer[] resyncPayload(Request r) {
    ByteBuffer data = r.resyncRead.join();
    boolean zero = isZero(data);
    ByteBuffer head =
        ByteBuffer.allocate(21).putLong(r.id).putLong(r.offset).putInt((int) r.length);
    head.put((byte) (zero ? 1 : 0)).flip();
    return zero ? new ByteBuffer[] {head} : new ByteBuffer[] {head, data};
  }

  private static boolean isZero(ByteBuffer b) {
    for (int i = b.position(); i < b.limit(); i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private void localWriterLoop() {
    while (!closed) {
      Request r;
      try {
        r = localQueue.poll(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (r == null) {
        continue;
      }
      try {
        switch (r.kind) {
          case WRITE -> store.write(r.offset, r.data.duplicate());
          case ZEROES -> store.writeZeroes(r.offset, r.length);
          case FLUSH -> store.flush();
          case RESYNC -> {
            ByteBuffer data = ByteBuffer.allocate((int) r.length);
            store.read(r.offset, data);
            r.resyncRead.complete(data.flip());
          }
          case RESYNC_DONE -> {}
          case VERIFY -> {
            ByteBuffer data = ByteBuffer.allocate((int) r.length);
            store.read(r.offset, data);
            r.localDigests.complete(
                RegionDigests.of(
                    data.flip(), meta.metadata().regionSize(), config.verifyAlgorithm()));
          }
        }
        if (r.fua) {
          store.flush();
        }
        synchronized (this) {
          r.localDone = true;
          tryComplete(r);
        }
      } catch (IOException e) {
        log.error("{}: local disk failed: {}", logPrefix, e.toString());
        r.resyncRead.completeExceptionally(e);
        synchronized (this) {
          fail(r, e);
        }
      }
    }
  }

  /** The primary answers a request once both of its parts are done. Holds the lock. */
  private void tryComplete(Request r) {
    if (r.localDone && r.remoteDone && !r.done.isDone()) {
      inFlightBytes.release(r.permits);
      releaseActivity(r);
      r.done.complete(null);
      if (r.kind == Request.Kind.WRITE) {
        meters.writeAcknowledged(clock.getAsLong() - r.submittedNanos);
      }
    }
  }

  /** Holds the lock. */
  private void fail(Request r, Throwable e) {
    if (!r.done.isDone()) {
      inFlightBytes.release(r.permits);
      releaseActivity(r);
      r.done.completeExceptionally(e);
    }
  }

  private synchronized void remoteDone(Request r) {
    r.remoteDone = true;
    tryComplete(r);
  }

  private void markOutOfSync(Request r) {
    if (r.changesData()) {
      meta.bitmap().setRange(r.offset, r.length);
    }
  }

  /**
   * Makes the request's extents hot in the activity log, persisted before the request is issued,
   * and holds them until it is answered. Waits (bounded) while writes in flight fill the log. Holds
   * the lock, so that this metadata write never races another one (it could revert generations).
   */
  private void recordActivity(Request r) throws IOException {
    long deadline = clock.getAsLong() + TimeUnit.SECONDS.toNanos(30);
    while (!activityLog.hasRoomFor(r.offset, r.length)) {
      long left = deadline - clock.getAsLong();
      if (left <= 0) {
        throw new IOException("activity log full of writes in flight for 30 s");
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted waiting for the activity log");
      }
    }
    ActivityLog.Change change = activityLog.touch(r.offset, r.length);
    r.activityHeld = true;
    try {
      if (change.changed()) {
        if (!change.evicted().isEmpty()) {
          // An extent leaves the log only after its out-of-sync bits are on disk.
          meta.persistBitmap();
        }
        meta.write(meta.metadata().withActivityLog(activityLog.extents()));
      }
    } catch (IOException e) {
      releaseActivity(r);
      throw e;
    }
  }

  /** The request is answered: its extents may leave the activity log. Holds the lock. */
  private void releaseActivity(Request r) {
    if (r.activityHeld) {
      r.activityHeld = false;
      activityLog.release(r.offset, r.length);
      notifyAll();
    }
  }

  // ---------------------------------------------------------------- the peer's answers (primary)

  @Override
  public void onFrame(PeerSession from, Frame frame) throws IOException {
    SecondaryApplier secondary;
    synchronized (this) {
      if (from != session) {
        return;
      }
      secondary = applier;
    }
    switch (frame.type()) {
      case WRITE_ACK, FLUSH_ACK -> peerCompleted(frame.payload().getLong(0));
      case RECEIVE_ACK -> peerReceived(frame.payload().getLong(0));
      case VERIFY_ACK -> peerVerified(frame.payload());
      case BITMAP -> peerBitmap(frame);
      case HANDOVER -> acceptHandOver(frame.payload().getLong(0));
      default -> {
        if (secondary == null) {
          throw new ReplicationProtocolException(frame.type() + " sent to a primary");
        }
        secondary.enqueue(frame);
      }
    }
  }

  private synchronized void peerVerified(ByteBuffer payload) {
    Request r = awaitingPeer.remove(payload.getLong());
    if (r != null && r.kind == Request.Kind.VERIFY) {
      byte[] digests = new byte[payload.remaining()];
      payload.get(digests);
      r.peerDigests.complete(digests);
      r.remoteDone = true;
      tryComplete(r);
    }
  }

  private int verifyFlag() {
    return config.verifyAlgorithm() == VerifyAlgorithm.SHA256 ? VERIFY_SHA256 : 0;
  }

  static final int VERIFY_SHA256 = 4;

  private synchronized void peerReceived(long id) {
    Request r = awaitingPeer.get(id);
    if (r != null && config.protocol() == Protocol.B) {
      r.remoteDone = true;
      tryComplete(r);
    }
  }

  private void peerCompleted(long id) {
    Request r;
    ResyncSource running;
    synchronized (this) {
      r = awaitingPeer.remove(id);
      if (r == null) {
        return;
      }
      r.remoteDone = true;
      tryComplete(r);
      running = resync;
      trackPeerDurability(r);
    }
    if (r.kind == Request.Kind.RESYNC && running != null) {
      running.acknowledged(r.offset, r.length);
    } else if (r.kind == Request.Kind.RESYNC_DONE) {
      resyncFinished();
    }
  }

  /**
   * Remembers a write the peer confirmed but may still lose (not FUA, no flush after it yet); a
   * confirmed flush forgets what it covers. Holds the lock.
   */
  private void trackPeerDurability(Request r) {
    if (r.kind == Request.Kind.FLUSH || r.kind == Request.Kind.RESYNC_DONE) {
      unflushedAtPeer.flushed(r.id);
    } else if (r.changesData() && !r.fua) {
      unflushedAtPeer.confirmed(r.id, r.offset, r.length);
      if (unflushedAtPeer.wantsFlush() && session != null) {
        enqueue(new Request(Request.Kind.FLUSH, 0, 0, null, false, 0));
      }
    }
  }

  /** The peer may have lost whatever it did not flush: it is resynced when it returns. */
  private void markUnflushedAtPeer() {
    unflushedAtPeer.drainTo((offset, length) -> meta.bitmap().setRange(offset, length));
  }

  // ---------------------------------------------------------------- losing the peer

  @Override
  public void onClosed(PeerSession closedSession, String reason) {
    synchronized (this) {
      if (closedSession != session) {
        return;
      }
      session = null;
      finishApplier();
      if (resync != null) {
        resync.stop();
        resync = null;
      }
      log.warn("{}: replication link to {} closed: {}", logPrefix, config.peerNode(), reason);
      if (role == Role.PRIMARY) {
        markUnflushedAtPeer();
      }
      if (role != Role.PRIMARY && !closed && closedSession.peer().role() == Role.PRIMARY) {
        peerLostAtNanos = clock.getAsLong();
        scheduleTakeover(closedSession.peer().node());
      }
      if (role != Role.PRIMARY || closed) {
        // A volume going away acknowledges nothing more, so its peer lacks nothing: no fencing.
        return;
      }
      // Whatever the peer has not confirmed may be missing there.
      for (Request r : awaitingPeer.values()) {
        if (r.kind == Request.Kind.VERIFY) {
          r.peerDigests.completeExceptionally(new IOException("link lost during verify"));
          r.remoteDone = true;
          continue;
        }
        markOutOfSync(r);
        if (!r.remoteDone) {
          awaitingFence.add(r);
        }
      }
      awaitingPeer.clear();
      peerState = PeerState.FENCING;
      startFencing(reason);
    }
  }

  /**
   * The secondary lost its primary: once its last grant has run out it asks the witness to promote
   * it. The witness refuses if the primary is alive and outdated this node first (the primary's
   * shorter term gives it that head start), so a link cut is not a failover.
   */
  private void scheduleTakeover(String lostPrimary) {
    if (!autoFailover) {
      log.warn("{}: lost primary {}; automatic failover is off", logPrefix, lostPrimary);
      return;
    }
    long wait = Math.max(0, lastGrantNanos + secondaryTermNanos - clock.getAsLong());
    timers.schedule(() -> tryTakeover(lostPrimary), wait, TimeUnit.NANOSECONDS);
  }

  private void tryTakeover(String lostPrimary) {
    synchronized (this) {
      if (closed || role == Role.PRIMARY || session != null || !autoFailover) {
        toldPrimaryStillHeard = false;
        return;
      }
    }
    long sinceGrant = clock.getAsLong() - lastGrantNanos;
    if (sinceGrant < secondaryTermNanos) {
      // The primary still pings over UDP and this node still promises: only the link is down.
      if (!toldPrimaryStillHeard) {
        toldPrimaryStillHeard = true;
        log.info(
            "{}: the link to {} is down but it is still heard over UDP: not taking over",
            logPrefix,
            lostPrimary);
      }
      timers.schedule(
          () -> tryTakeover(lostPrimary), secondaryTermNanos - sinceGrant, TimeUnit.NANOSECONDS);
      return;
    }
    toldPrimaryStillHeard = false;
    if (!failoverBudgetAllows("take over from " + lostPrimary)) {
      return;
    }
    long started = clock.getAsLong();
    promote()
        .whenComplete(
            (term, failure) -> {
              if (failure == null) {
                long done = clock.getAsLong();
                recordAutomaticRoleChange();
                log.warn(
                    "{}: took over from {} as primary of epoch {}; failover timeline: detect {} ms,"
                        + " lease wait {} ms, witness {} ms",
                    logPrefix,
                    lostPrimary,
                    term,
                    config.deadAfter().toMillis(),
                    (promotedAfterNanos - peerLostAtNanos) / 1_000_000,
                    (done - promotedAfterNanos) / 1_000_000);
                // Counted before the timeline is published: whoever sees the timeline sees the
                // count.
                meters.tookOver(done - peerLostAtNanos);
                lastTakeover = new Takeover(lostPrimary, peerLostAtNanos, promotedAfterNanos, done);
                return;
              }
              Throwable cause =
                  failure instanceof CompletionException ? failure.getCause() : failure;
              log.info(
                  "{}: not taking over from {}: {}", logPrefix, lostPrimary, cause.getMessage());
              if (!(cause instanceof PromotionRefused)) {
                // No verdict (no answer, a conflict, a witness error): re-read and ask again while
                // the primary stays away.
                timers.schedule(
                    () -> tryTakeover(lostPrimary),
                    config.deadAfter().toMillis(),
                    TimeUnit.MILLISECONDS);
              }
            });
  }

  private volatile boolean autoFailover;
  private final FailoverBudget failoverBudget = new FailoverBudget(3, Duration.ofMinutes(10));

  /** The limit on automatic role changes (spec.failover.maxAutomaticFailovers per window). */
  public void setFailoverBudget(int max, Duration window) {
    failoverBudget.set(max, window);
  }

  /**
   * Whether the budget has room for one more automatic role change; false (and a warning) once a
   * flapping link or check has used it up: automation then waits for the window to pass or for a
   * person. Nothing is taken: only a role change that happens counts ({@link
   * #recordAutomaticRoleChange()}), not an attempt the witness or a rule refused.
   */
  public boolean failoverBudgetAllows(String what) {
    if (failoverBudget.allows(clock.getAsLong())) {
      return true;
    }
    log.warn(
        "{}: not going to {}: {} used up; a person decides (switchover) or the window passes",
        logPrefix,
        what,
        failoverBudget.describe());
    return false;
  }

  /** Counts an automatic role change that happened against the budget. */
  public void recordAutomaticRoleChange() {
    failoverBudget.record(clock.getAsLong());
  }

  /**
   * Turns automatic takeover on or off while running (maintenance). Fencing and leases stay armed
   * either way: only this node's own promotion after losing its primary is affected.
   */
  public void setAutomaticFailover(boolean on) {
    if (on && witnessAlarmRaised) {
      return; // a distrusted witness keeps automation stopped until a person acts
    }
    if (autoFailover != on) {
      log.info("{}: automatic failover {}", logPrefix, on ? "on" : "off (maintenance)");
    }
    autoFailover = on;
  }

  /**
   * Stops automation on this node with an alarm, for a witness record found untrustworthy outside
   * this volume (at start, against the peer's or the reports' epochs).
   */
  public void stopAutomation(String why) {
    witnessAlarm(why);
  }

  public boolean automaticFailover() {
    return autoFailover;
  }

  /** A completed takeover's timeline on this node's monotonic clock. */
  public record Takeover(String from, long linkLostNanos, long casStartNanos, long promotedNanos) {}

  private volatile Takeover lastTakeover;
  private volatile long peerLostAtNanos;

  public Takeover lastTakeover() {
    return lastTakeover;
  }

  /** Records the peer as outdated at the witness; held writes are answered once it is. */
  private void startFencing(String why) {
    if (fencingRunning || peerState == PeerState.DEGRADED) {
      return;
    }
    fencingRunning = true;
    peerState = PeerState.FENCING;
    long term = epoch;
    long sent = clock.getAsLong();
    log.info(
        "{}: outdating {} at the witness before acknowledging alone ({})",
        logPrefix,
        config.peerNode(),
        why);
    arbiter
        .read()
        .thenCompose(
            record -> {
              String distrust = distrust(record, meta.metadata().highestEpoch());
              if (distrust != null) {
                throw new WitnessDistrusted(distrust);
              }
              if (record.epoch() != term || !config.node().equals(record.primary())) {
                throw new RecordLost(
                    "the witness names "
                        + record.primary()
                        + " primary of epoch "
                        + record.epoch());
              }
              // Always a write, even when the peer is already outdated: the new version makes any
              // swap still in flight (a late "peer up to date") conflict instead of landing after
              // this node acknowledged alone.
              return arbiter.compareAndSwap(record, record.withoutUpToDate(config.peerNode()));
            })
        .whenComplete(
            (record, failure) -> {
              if (failure == null) {
                lease.extendFrom(sent); // the witness just confirmed this node leads
              }
              fencingDone(record, failure);
            });
  }

  private void fencingDone(WitnessRecord record, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    synchronized (this) {
      fencingRunning = false;
      if (cause == null) {
        try {
          divergeFromPeer();
        } catch (IOException e) {
          fault = "metadata write failed: " + e.getMessage();
          stopServing(fault);
          return;
        }
        peerState = PeerState.DEGRADED;
        log.info(
            "{}: {} recorded as outdated; writing alone, changes tracked in the bitmap",
            logPrefix,
            config.peerNode());
        for (Request r : awaitingFence) {
          r.remoteDone = true;
          tryComplete(r);
        }
        awaitingFence.clear();
      } else if (cause instanceof WitnessDistrusted) {
        witnessAlarm(cause.getMessage());
        // Not outdated, the peer may still be the only current copy: nothing is acknowledged
        // alone, so held writes stay unanswered and the clients see errors, not lost data.
        stopServing(cause.getMessage() + ": this node cannot outdate its peer");
      } else if (cause instanceof RecordLost) {
        stepDown("lost the witness record: " + cause.getMessage());
      } else if (role == Role.PRIMARY && !closed && peerState == PeerState.FENCING) {
        // A conflict (another swap landed between the read and this one) or no answer: re-read.
        log.warn(
            "{}: outdating {} did not complete ({}); writes wait, retrying",
            logPrefix,
            config.peerNode(),
            cause.getMessage());
        timers.schedule(this::retryFencing, 200, TimeUnit.MILLISECONDS);
      }
    }
  }

  private synchronized void retryFencing() {
    if (peerState == PeerState.FENCING && role == Role.PRIMARY && !closed) {
      startFencing("retry");
    }
  }

  /** A new data generation starts: the peer's data is now the bitmap's base. Holds the lock. */
  private void divergeFromPeer() throws IOException {
    Metadata m = meta.metadata();
    if (m.generations().bitmap() == 0) {
      meta.persistBitmap();
      meta.write(m.withGenerations(m.generations().diverge(Generations.fresh())));
    }
  }

  /**
   * Another node leads a newer epoch: stop answering and become secondary, keeping the data, so
   * that the link comes back and this node resyncs as a target. Holds the lock.
   */
  private void stepDown(String why) {
    stopServing(why);
    if (role != Role.PRIMARY) {
      return;
    }
    role = Role.SECONDARY;
    peerState = PeerState.NONE;
    lease.revoke();
    try {
      meta.persistBitmap();
      meta.write(meta.metadata().withRole(Role.SECONDARY));
      log.warn("{}: stepped down to secondary: {}", logPrefix, why);
      transitions.becameSecondary(why);
    } catch (IOException e) {
      fault = "stepped down, but the metadata write failed: " + e.getMessage();
    }
  }

  /** This node must not answer anything any more: another node may lead. Holds the lock. */
  private void stopServing(String why) {
    if (serving) {
      log.error("{}: stops serving: {}", logPrefix, why);
      transitions.fault(why);
    }
    serving = false;
    fault = why;
    ExportUnavailableException e = new ExportUnavailableException(why);
    awaitingFence.forEach(r -> fail(r, e));
    awaitingFence.clear();
    awaitingPeer.values().forEach(r -> fail(r, e));
    awaitingPeer.clear();
  }

  /** Drops a peer that has held a request longer than the data-path timeout (DRBD's ko-count). */
  private void checkDataPath() {
    PeerSession stuck = null;
    synchronized (this) {
      if (session == null || awaitingPeer.isEmpty()) {
        return;
      }
      Request oldest = awaitingPeer.values().iterator().next();
      if (System.nanoTime() - oldest.submittedNanos > config.dataTimeout().toNanos()) {
        stuck = session;
      }
    }
    if (stuck != null) {
      stuck.close(
          "peer did not complete a request within " + config.dataTimeout().toMillis() + " ms");
    }
  }

  // ---------------------------------------------------------------- online verify

  /** What an online verify found. */
  public record VerifyReport(long regionsChecked, long regionsDiffering, long bytesDiffering) {}

  /**
   * Compares every region with the peer while writes go on (each chunk is digested on both nodes at
   * the same place in the stream). Differing regions are marked out of sync; with {@code resync}
   * they are then resynced from this primary.
   */
  public CompletableFuture<VerifyReport> verify(boolean resync) {
    synchronized (this) {
      if (role != Role.PRIMARY || peerState != PeerState.CONNECTED) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                logPrefix + ": verify needs a primary connected to an in-sync peer"));
      }
    }
    return CompletableFuture.supplyAsync(() -> runVerify(resync), verifier);
  }

  private final ExecutorService verifier =
      Executors.newSingleThreadExecutor(Daemons.named("verify"));

  private VerifyReport runVerify(boolean resync) {
    int regionSize = meta.metadata().regionSize();
    int digest = RegionDigests.size(config.verifyAlgorithm());
    long chunk = 1 << 20;
    long differing = 0;
    long regions = 0;
    ArrayDeque<Request> window = new ArrayDeque<>();
    for (long offset = 0; offset < store.size() || !window.isEmpty(); ) {
      if (offset < store.size() && window.size() < 8) {
        Request r =
            new Request(
                Request.Kind.VERIFY,
                offset,
                Math.min(chunk, store.size() - offset),
                null,
                false,
                0);
        synchronized (this) {
          if (peerState != PeerState.CONNECTED) {
            throw new CompletionException(new IOException("peer no longer connected"));
          }
          enqueue(r);
        }
        window.add(r);
        offset += r.length;
        continue;
      }
      Request done = window.poll();
      byte[] local = done.localDigests.join();
      byte[] peer = done.peerDigests.join();
      long first = done.offset / regionSize;
      for (int i = 0; i * digest < local.length; i++) {
        regions++;
        if (!Arrays.equals(
            local, i * digest, (i + 1) * digest, peer, i * digest, (i + 1) * digest)) {
          meta.bitmap().setRegion(first + i);
          differing++;
        }
      }
    }
    log.info("{}: verify checked {} regions, {} differ", logPrefix, regions, differing);
    if (resync && differing > 0) {
      ResyncSource started;
      synchronized (this) {
        if (peerState != PeerState.CONNECTED) {
          throw new CompletionException(new IOException("peer no longer connected"));
        }
        peerState = PeerState.SYNC_SOURCE;
        this.resync =
            new ResyncSource(this, meta.bitmap(), config.resyncBytesPerSecond(), logPrefix);
        started = this.resync;
      }
      started.start();
    }
    return new VerifyReport(regions, differing, differing * regionSize);
  }

  // ---------------------------------------------------------------- roles

  /**
   * Becomes primary of the next epoch, if this node's data is current and the witness agrees. The
   * peer, if connected, is disconnected and resynced from the bitmap when it returns.
   */
  public CompletableFuture<Long> promote() {
    PeerSession old;
    synchronized (this) {
      if (role == Role.PRIMARY) {
        return CompletableFuture.completedFuture(epoch);
      }
      DiskState disk = meta.metadata().diskState();
      if (disk != DiskState.UP_TO_DATE) {
        return CompletableFuture.failedFuture(
            new PromotionRefused(logPrefix + ": refusing to promote a disk that is " + disk));
      }
      old = session;
      promoting = true;
    }
    if (old != null) {
      old.close("promoting");
    }
    CompletableFuture<Void> drained = drainApplier();
    long seen = meta.metadata().highestEpoch();
    long wait = lastGrantNanos + secondaryTermNanos - clock.getAsLong();
    long[] casStart = new long[1];
    return CompletableFuture.runAsync(
            () -> {}, CompletableFuture.delayedExecutor(Math.max(0, wait), TimeUnit.NANOSECONDS))
        .thenCompose(waited -> drained)
        .thenCompose(
            waited -> {
              casStart[0] = clock.getAsLong();
              if (casStart[0] - lastGrantNanos < secondaryTermNanos) {
                throw new PromotionRefused(
                    "a primary peer still holds a lease granted by " + config.node());
              }
              return arbiter.read();
            })
        .thenCompose(
            record -> {
              String distrust = distrust(record, seen);
              if (distrust != null) {
                witnessAlarm(distrust);
                throw new PromotionRefused(distrust + ": automation stopped");
              }
              if (!record.isUpToDate(config.node())) {
                throw new PromotionRefused(
                    "the witness does not list "
                        + config.node()
                        + " as up to date: refusing to promote");
              }
              return arbiter.compareAndSwap(record, record.promoted(config.node()));
            })
        .thenApply(record -> becomePrimary(record, casStart[0]))
        .whenComplete(
            (term, failure) -> {
              synchronized (this) {
                promoting = false;
              }
            });
  }

  /**
   * Ends the applier of the primary's stream, if any, once it has applied every frame it received
   * (protocol B acknowledged them on receipt). Holds the lock.
   */
  private void finishApplier() {
    if (applier != null) {
      applier.finish();
      applierDrained = applier.finished();
      applier = null;
    }
  }

  /**
   * Completes when everything received from a primary is on this disk; fails if the disk failed
   * applying it (this node then lacks writes it may have acknowledged and must not promote).
   */
  private CompletableFuture<Void> drainApplier() {
    CompletableFuture<Void> drained;
    synchronized (this) {
      finishApplier();
      drained = applierDrained;
    }
    return drained.exceptionallyCompose(
        e ->
            CompletableFuture.failedFuture(
                new PromotionRefused(
                    "the local disk failed applying the primary's stream: refusing to promote: "
                        + e.getMessage())));
  }

  /** When the compare-and-swap of this node's last promotion started (monotonic clock). */
  public long promotedAfterNanos() {
    return promotedAfterNanos;
  }

  /** When this node last promised its peer not to promote (its last heartbeat answer). */
  public long lastGrantNanos() {
    return lastGrantNanos;
  }

  /** How long a secondary waits after its last grant before it may take over. */
  public long secondaryTermNanos() {
    return secondaryTermNanos;
  }

  private long becomePrimary(WitnessRecord record, long casStartNanos) {
    PeerSession negotiatedAsSecondary;
    long term;
    synchronized (this) {
      negotiatedAsSecondary = session;
      session = null; // its handshake said "secondary": the peer must hear the new role
      term = becomePrimaryLocked(record, casStartNanos);
    }
    if (negotiatedAsSecondary != null) {
      negotiatedAsSecondary.close("promoted to primary of epoch " + term);
    }
    return term;
  }

  private long becomePrimaryLocked(WitnessRecord record, long casStartNanos) {
    promotedAfterNanos = casStartNanos;
    finishApplier();
    try {
      Metadata m = meta.metadata();
      Generations g = m.generations().diverge(Generations.fresh());
      meta.persistBitmap();
      meta.write(m.withRole(Role.PRIMARY).withHighestEpoch(record.epoch()).withGenerations(g));
    } catch (IOException e) {
      throw new CompletionException(e);
    }
    role = Role.PRIMARY;
    epoch = record.epoch();
    serving = true;
    lease.extendFrom(casStartNanos);
    transitions.becamePrimary(record.epoch());
    fault = null;
    peerState = PeerState.DEGRADED;
    log.info(
        "{}: primary of epoch {}; {} is outdated until it resyncs",
        logPrefix,
        epoch,
        config.peerNode());
    return epoch;
  }

  // ---------------------------------------------------------------- switchover

  /**
   * Hands the primary role to the peer (switchover): refuses new requests, drains and flushes both
   * disks through the ordered stream, then one compare-and-swap names the peer primary of the next
   * epoch; this node becomes secondary and tells the peer, which promotes without waiting out a
   * lease (this node stopped serving before the swap). Needs the peer connected and in sync.
   * Completes with the new epoch.
   */
  public CompletableFuture<Long> handOver() {
    long term;
    PeerSession s;
    synchronized (this) {
      if (role != Role.PRIMARY || closed) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(logPrefix + ": not primary, nothing to hand over"));
      }
      if (session == null || peerState != PeerState.CONNECTED) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                logPrefix
                    + ": "
                    + config.peerNode()
                    + " is not connected and in sync ("
                    + peerState
                    + "): no switchover"));
      }
      if (session.version() < LinkHandshake.HANDOVER_VERSION) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                logPrefix
                    + ": "
                    + config.peerNode()
                    + " speaks replication protocol "
                    + session.version()
                    + ", which has no handover: upgrade it first"));
      }
      serving = false;
      term = epoch;
      s = session;
    }
    long started = clock.getAsLong();
    log.info(
        "{}: switchover to {}: new requests refused, draining and flushing both disks",
        logPrefix,
        config.peerNode());
    Request flush = new Request(Request.Kind.FLUSH, 0, 0, null, false, 1);
    try {
      if (!inFlightBytes.tryAcquire(1, 30, TimeUnit.SECONDS)) {
        return resumeAfterFailedHandOver(term, new IOException("volume stalled for 30 s"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return resumeAfterFailedHandOver(term, e);
    }
    synchronized (this) {
      if (role != Role.PRIMARY || session != s) {
        inFlightBytes.release(1);
        return resumeAfterFailedHandOver(term, new IOException("the link changed while draining"));
      }
      enqueue(flush);
    }
    long[] casStart = new long[1];
    return flush
        .done
        .thenCompose(
            flushed -> {
              casStart[0] = clock.getAsLong();
              return arbiter.read();
            })
        .thenCompose(
            record -> {
              if (record.epoch() != term || !config.node().equals(record.primary())) {
                throw new ConflictException(
                    "the witness names "
                        + record.primary()
                        + " primary of epoch "
                        + record.epoch());
              }
              if (!record.isUpToDate(config.peerNode())) {
                // Connected and resynced here, but the swap that re-lists it has not landed: the
                // record is what a later takeover trusts, so it must say the peer is current.
                throw new ConflictException(
                    "the witness still records " + config.peerNode() + " as outdated");
              }
              return arbiter.compareAndSwap(record, record.promoted(config.peerNode()));
            })
        .thenApply(
            record -> {
              finishHandOver(record);
              long done = clock.getAsLong();
              log.warn(
                  "{}: switchover to {} at epoch {}: drain and flush {} ms, witness {} ms",
                  logPrefix,
                  config.peerNode(),
                  record.epoch(),
                  (casStart[0] - started) / 1_000_000,
                  (done - casStart[0]) / 1_000_000);
              return record.epoch();
            })
        .exceptionallyCompose(failure -> resumeAfterFailedHandOver(term, failure));
  }

  /**
   * A switchover failed before or at the swap: this node serves again only if the witness still
   * names it primary of its term; if the swap did happen (its answer was lost), the handover is
   * finished instead.
   */
  private CompletableFuture<Long> resumeAfterFailedHandOver(long term, Throwable failure) {
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    return arbiter
        .read()
        .handle(
            (record, readFailure) -> {
              if (record != null
                  && record.epoch() == term + 1
                  && config.peerNode().equals(record.primary())) {
                finishHandOver(record);
                return record.epoch();
              }
              synchronized (this) {
                if (record != null
                    && record.epoch() == term
                    && config.node().equals(record.primary())
                    && role == Role.PRIMARY
                    && !closed) {
                  serving = true;
                  log.warn(
                      "{}: switchover to {} failed, serving again: {}",
                      logPrefix,
                      config.peerNode(),
                      cause.getMessage());
                } else {
                  stepDown("switchover failed and the witness record is unknown or newer");
                }
              }
              throw new CompletionException(cause);
            });
  }

  /** This node is secondary of the record's epoch; the peer is told to take the role. */
  private void finishHandOver(WitnessRecord record) {
    PeerSession s;
    synchronized (this) {
      if (role != Role.PRIMARY) {
        return;
      }
      role = Role.SECONDARY;
      epoch = 0;
      peerState = PeerState.NONE;
      lease.revoke();
      try {
        meta.persistBitmap();
        meta.write(meta.metadata().withRole(Role.SECONDARY).withHighestEpoch(record.epoch()));
      } catch (IOException e) {
        fault = "handed over, but the metadata write failed: " + e.getMessage();
      }
      s = session;
    }
    transitions.becameSecondary("handed over to " + config.peerNode());
    if (s != null) {
      s.send(FrameType.HANDOVER, 0, null, ByteBuffer.allocate(8).putLong(0, record.epoch()));
      // The peer closes the link when it promotes; if it does not (an older agent), this does.
      timers.schedule(
          () -> s.close("handed over to " + config.peerNode()),
          config.deadAfter().toMillis() * 2,
          TimeUnit.MILLISECONDS);
    }
  }

  /** The peer handed its role over: promote at once if the witness names this node. */
  private void acceptHandOver(long newEpoch) {
    long seen = meta.metadata().highestEpoch();
    drainApplier()
        .thenCompose(drained -> arbiter.read())
        .thenApply(
            record -> {
              if (!record.pairUid().equals(config.pairUid())
                  || record.epoch() != newEpoch
                  || record.epoch() <= seen
                  || !config.node().equals(record.primary())) {
                throw new IllegalStateException(
                    "the witness names "
                        + record.primary()
                        + " primary of epoch "
                        + record.epoch()
                        + ", not this node of epoch "
                        + newEpoch);
              }
              if (meta.metadata().diskState() != DiskState.UP_TO_DATE) {
                throw new IllegalStateException("this disk is " + meta.metadata().diskState());
              }
              return becomePrimary(record, clock.getAsLong());
            })
        .whenComplete(
            (term, failure) -> {
              if (failure != null) {
                log.error(
                    "{}: not taking the handed-over role: {}",
                    logPrefix,
                    failure instanceof CompletionException ? failure.getCause() : failure);
              } else {
                log.info("{}: took the handed-over role, primary of epoch {}", logPrefix, term);
              }
            });
  }

  // ---------------------------------------------------------------- forced promotion

  /**
   * What promoting this node now would lose, or null if nothing: the writes the node the witness
   * lists as current acknowledged after this node's last epoch.
   */
  private String lossStatement(WitnessRecord record, long seen) {
    if (record.isUpToDate(config.node())
        && meta.metadata().diskState() == DiskState.UP_TO_DATE
        && record.epoch() >= seen) {
      return null; // a record older than this disk (restored) cannot be promoted from: force
    }
    return config.peerNode()
        + " may hold acknowledged writes this node lacks: everything acknowledged after epoch "
        + seen
        + ", the last this node saw (the witness is at epoch "
        + record.epoch()
        + ", primary "
        + (record.primary().isEmpty() ? "none" : record.primary())
        + ", current "
        + record.upToDate()
        + ").";
  }

  /**
   * Promotes this node although the witness does not list it as current: for a person who has lost
   * the current node for good. Refused unless the caller names exactly what is lost (the peer's
   * writes since this node's last epoch), and refused outright for an Inconsistent disk or while a
   * primary is connected. After the swap it waits out a primary's term, so a primary that is still
   * alive somewhere stops answering first.
   */
  public CompletableFuture<Long> forcePromote(String loseWritesOf, long sinceEpoch) {
    synchronized (this) {
      if (role == Role.PRIMARY) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(logPrefix + ": already primary"));
      }
      if (session != null && session.peer().role() == Role.PRIMARY) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                logPrefix + ": " + config.peerNode() + " is primary and connected: switch over"));
      }
      if (meta.metadata().diskState() == DiskState.INCONSISTENT) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                logPrefix
                    + ": this disk is Inconsistent, a mix of old and new blocks from an unfinished"
                    + " resync: it cannot be promoted, even by force"));
      }
    }
    long seen = meta.metadata().highestEpoch();
    long[] casStart = new long[1];
    return drainApplier()
        .thenCompose(drained -> arbiter.read())
        .thenCompose(
            record -> {
              if (!record.pairUid().equals(config.pairUid())) {
                throw new IllegalStateException(
                    "the witness record belongs to pair " + record.pairUid());
              }
              String loss = lossStatement(record, seen);
              if (loss == null) {
                throw new IllegalStateException(
                    "nothing to force: the witness lists this node as current; promote it");
              }
              if (!config.peerNode().equals(loseWritesOf) || sinceEpoch != seen) {
                throw new IllegalArgumentException(
                    "refused: "
                        + loss
                        + " To promote anyway and lose them, confirm with lose-writes-of="
                        + config.peerNode()
                        + " since-epoch="
                        + seen);
              }
              log.error("{}: FORCED promotion by a person: {}", logPrefix, loss);
              casStart[0] = clock.getAsLong();
              return arbiter.compareAndSwap(
                  record,
                  new WitnessRecord(
                      config.pairUid(),
                      Math.max(record.epoch(), seen) + 1, // never reuse an epoch this disk saw
                      config.node(),
                      Set.of(config.node()),
                      record.version()));
            })
        .thenCompose(
            record ->
                CompletableFuture.supplyAsync(
                    () -> record,
                    CompletableFuture.delayedExecutor(secondaryTermNanos, TimeUnit.NANOSECONDS)))
        .thenApply(
            record -> {
              try {
                meta.write(meta.metadata().withDiskState(DiskState.UP_TO_DATE));
              } catch (IOException e) {
                throw new CompletionException(e);
              }
              return becomePrimary(record, clock.getAsLong());
            });
  }

  /** Stops serving, lets requests in flight finish (bounded), and becomes secondary. */
  public void demote() throws IOException {
    PeerSession old;
    synchronized (this) {
      if (role != Role.PRIMARY) {
        return;
      }
      serving = false;
    }
    awaitInFlight(Duration.ofSeconds(10));
    synchronized (this) {
      store.flush();
      meta.persistBitmap();
      meta.write(meta.metadata().withRole(Role.SECONDARY));
      role = Role.SECONDARY;
      peerState = PeerState.NONE;
      old = session;
    }
    if (old != null) {
      old.close("demoted");
    }
    log.info("{}: demoted to secondary", logPrefix);
    transitions.becameSecondary("demoted");
  }

  // ---------------------------------------------------------------- connecting

  private volatile int maxProtocolVersion = LinkHandshake.MAX_VERSION;

  /** Advertises at most {@code version}, as an agent of that older version would (tests). */
  void speakAtMost(int version) {
    maxProtocolVersion = version;
  }

  /** What this node says in its HELLO. */
  public synchronized Hello hello(byte[] nonce, byte[] peerNonce) {
    Metadata m = meta.metadata();
    return new Hello(
        LinkHandshake.MIN_VERSION,
        maxProtocolVersion,
        nonce,
        peerNonce,
        config.pairUid(),
        config.group(),
        config.node(),
        role,
        m.diskState(),
        store.size(),
        m.regionSize(),
        role == Role.PRIMARY ? epoch : 0,
        m.highestEpoch(),
        m.generations(),
        config.protocol().ordinal(),
        meta.bitmap().cardinality());
  }

  /** Closes the replication link now (it is dialled again): for operators and fault tests. */
  public void disconnect(String reason) {
    PeerSession s;
    synchronized (this) {
      s = session;
    }
    if (s != null) {
      s.close(reason);
    }
  }

  /** What the peer said about itself when the current link opened, or null without a link. */
  public synchronized Hello peerHello() {
    return session == null || !session.isOpen() ? null : session.peer();
  }

  /** Whether the connector should look for the peer. */
  public synchronized boolean wantsPeer() {
    return !closed
        && (session == null || !session.isOpen())
        && !fencingRunning
        && peerState != PeerState.FENCING;
  }

  /** Takes a freshly opened link: decides who is ahead and starts replicating or resyncing. */
  public void attach(PeerSession s) {
    String refusal;
    synchronized (this) {
      refusal = refusal(s);
      if (refusal == null) {
        session = s;
        peerBitmapComplete = false;
        Hello peer = s.peer();
        if (peer.role() == Role.PRIMARY) {
          applier =
              new SecondaryApplier(
                  s,
                  store,
                  volumeTarget(),
                  peer.protocolCode() == Protocol.B.ordinal(),
                  meta.metadata().regionSize(),
                  logPrefix);
          try {
            meta.write(meta.metadata().withHighestEpoch(peer.epoch()));
          } catch (IOException e) {
            refusal = "metadata write failed: " + e.getMessage();
          }
        }
      }
    }
    if (refusal != null) {
      log.warn("{}: refusing link to {}: {}", logPrefix, config.peerNode(), refusal);
      s.close(refusal);
      return;
    }
    log.info("{}: replication link to {} up (epoch {})", logPrefix, config.peerNode(), s.epoch());
    s.start(this);
    if (s.peer().role() == Role.PRIMARY) {
      sendBitmap(s);
    }
  }

  /** Why a link may not be used, or null. Holds the lock. */
  private String refusal(PeerSession s) {
    Hello peer = s.peer();
    if (session != null && session.isOpen()) {
      return "already connected";
    }
    if (fencingRunning || peerState == PeerState.FENCING) {
      // Held writes wait for the outdating to be recorded; a link now would orphan them.
      return "still recording the peer as outdated";
    }
    if (!applierDrained.isDone()) {
      return "still applying the previous primary's stream";
    }
    if (s.local().role() != role || s.local().epoch() != (role == Role.PRIMARY ? epoch : 0)) {
      // Promoted or demoted while the handshake ran: the peer was told something no longer true.
      return "role changed during the handshake";
    }
    if (peer.size() != store.size() || peer.regionSize() != meta.metadata().regionSize()) {
      return "peer's disk is " + peer.size() + " bytes in regions of " + peer.regionSize();
    }
    if (role == Role.PRIMARY && peer.role() == Role.PRIMARY) {
      String both = "both nodes are primary (epochs " + epoch + " and " + peer.epoch() + ")";
      if (peer.epoch() > epoch) {
        stepDown(both);
      }
      return both;
    }
    if (role == Role.PRIMARY && peer.highestEpoch() > epoch) {
      stepDown(
          "peer has seen epoch " + peer.highestEpoch() + ", newer than this primary's " + epoch);
      return fault;
    }
    if (peer.role() == Role.PRIMARY && peer.epoch() < meta.metadata().highestEpoch()) {
      return "peer claims epoch "
          + peer.epoch()
          + " but epoch "
          + meta.metadata().highestEpoch()
          + " was seen here";
    }
    SyncDecision.Outcome outcome =
        SyncDecision.decide(meta.metadata().generations(), role, peer.generations(), peer.role());
    if (outcome == SyncDecision.Outcome.SPLIT_BRAIN) {
      outcome = resolveSplitBrain(peer);
    }
    if (outcome == SyncDecision.Outcome.SPLIT_BRAIN || outcome == SyncDecision.Outcome.UNRELATED) {
      fault =
          outcome == SyncDecision.Outcome.SPLIT_BRAIN
              ? SPLIT_BRAIN_FAULT + ": both nodes changed data separately; resolve by hand"
              : "the peer's data has no common history with this node's";
      return fault;
    }
    if (role == Role.PRIMARY
        && (outcome == SyncDecision.Outcome.TARGET
            || outcome == SyncDecision.Outcome.FULL_TARGET)) {
      return "the peer's data is newer than this primary's";
    }
    if (role == Role.PRIMARY) {
      resyncPlan = outcome;
    }
    return null;
  }

  private SyncDecision.Outcome resyncPlan = SyncDecision.Outcome.IN_SYNC;

  /**
   * Applies the split-brain policy: SOURCE or TARGET when it names a victim (never the current
   * primary), SPLIT_BRAIN when a person must decide. The victim saves what it discards first. Holds
   * the lock.
   */
  private SyncDecision.Outcome resolveSplitBrain(Hello peer) {
    SplitBrainResolver.Victim victim =
        SplitBrainResolver.victim(
            config.splitBrain(),
            new SplitBrainResolver.Side(
                role, meta.metadata().highestEpoch(), meta.bitmap().cardinality()),
            new SplitBrainResolver.Side(peer.role(), peer.highestEpoch(), peer.changedRegions()));
    switch (victim) {
      case PEER -> {
        log.error(
            "{}: split brain resolved by {}: {}'s changes ({} regions) are discarded and resynced"
                + " from this primary; {} keeps a copy",
            logPrefix,
            config.splitBrain(),
            config.peerNode(),
            peer.changedRegions(),
            config.peerNode());
        return SyncDecision.Outcome.SOURCE;
      }
      case LOCAL -> {
        try {
          Path saved = saveDiscardedRegions();
          log.error(
              "{}: split brain resolved by {}: this node's changes ({} regions) are discarded;"
                  + " saved to {}",
              logPrefix,
              config.splitBrain(),
              meta.bitmap().cardinality(),
              saved);
          meta.write(meta.metadata().withDiskState(DiskState.INCONSISTENT));
          return SyncDecision.Outcome.TARGET;
        } catch (IOException e) {
          log.error("{}: could not save the regions to discard: {}", logPrefix, e.toString());
          return SyncDecision.Outcome.SPLIT_BRAIN;
        }
      }
      default -> {
        return SyncDecision.Outcome.SPLIT_BRAIN;
      }
    }
  }

  /** Copies every region this node changed since the split to a file: offset, then the data. */
  private Path saveDiscardedRegions() throws IOException {
    Path file =
        config
            .metadata()
            .resolveSibling(
                config.group() + "-split-brain-" + System.currentTimeMillis() + ".discarded");
    Bitmap bitmap = meta.bitmap();
    int regionSize = bitmap.regionSize();
    try (FileChannel out =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer data = ByteBuffer.allocate(regionSize);
      for (long r = bitmap.nextSet(0); r >= 0; r = bitmap.nextSet(r + 1)) {
        long offset = r * regionSize;
        data.clear().limit((int) Math.min(regionSize, store.size() - offset));
        store.read(offset, data);
        out.write(ByteBuffer.allocate(8).putLong(0, offset));
        out.write(data.flip());
      }
      out.force(true);
    }
    return file;
  }

  /** The secondary tells the primary which regions it may have changed (its own bitmap). */
  private void sendBitmap(PeerSession s) {
    Bitmap bitmap = meta.bitmap();
    for (int page = 0; page < bitmap.pages(); page++) {
      byte[] bytes = bitmap.page(page);
      if (!isZero(ByteBuffer.wrap(bytes))) {
        s.send(
            FrameType.BITMAP,
            0,
            null,
            ByteBuffer.allocate(4).putInt(0, page),
            ByteBuffer.wrap(bytes));
      }
    }
    s.send(FrameType.BITMAP, BITMAP_LAST, null, ByteBuffer.allocate(4).putInt(0, -1));
  }

  private static final int BITMAP_LAST = 2;

  private void peerBitmap(Frame frame) throws IOException {
    ByteBuffer p = frame.payload();
    int page = p.getInt();
    if ((frame.flags() & BITMAP_LAST) == 0) {
      if (page < 0 || page >= meta.bitmap().pages() || p.remaining() != Bitmap.PAGE_BYTES) {
        throw new ReplicationProtocolException("bad BITMAP page " + page);
      }
      byte[] bytes = new byte[Bitmap.PAGE_BYTES];
      p.get(bytes);
      meta.bitmap().orPage(page, bytes);
      return;
    }
    startReplicating();
  }

  /** The primary has both bitmaps: replicate, resyncing first if anything differs. */
  private void startReplicating() {
    synchronized (this) {
      if (role != Role.PRIMARY || session == null || peerBitmapComplete) {
        return;
      }
      peerBitmapComplete = true;
      boolean full = resyncPlan == SyncDecision.Outcome.FULL_SOURCE;
      if (full) {
        meta.bitmap().setRange(0, store.size());
      }
      if (meta.bitmap().cardinality() == 0 && resyncPlan == SyncDecision.Outcome.IN_SYNC) {
        peerState = PeerState.CONNECTED;
        log.info("{}: {} is in sync", logPrefix, config.peerNode());
        markPeerUpToDate();
        return;
      }
      peerState = PeerState.SYNC_SOURCE;
      resync = new ResyncSource(this, meta.bitmap(), config.resyncBytesPerSecond(), logPrefix);
      log.info(
          "{}: resyncing {} bytes to {}{}",
          logPrefix,
          meta.bitmap().outOfSyncBytes(),
          config.peerNode(),
          full ? " (full sync)" : "");
    }
    resync.start();
  }

  /** Called by the resync: submits one region range to the ordered stream. */
  boolean submitResync(long offset, int length) {
    synchronized (this) {
      if (peerState != PeerState.SYNC_SOURCE || session == null) {
        return false;
      }
      Request r = new Request(Request.Kind.RESYNC, offset, length, null, false, 0);
      r.remoteDone = true; // no client waits for a resync request
      enqueue(r);
      resyncedBytes.addAndGet(length);
      return true;
    }
  }

  /** Called by the resync when every bit is clear: the target flushes and becomes current. */
  void submitResyncDone() {
    synchronized (this) {
      if (peerState != PeerState.SYNC_SOURCE || session == null) {
        return;
      }
      Request r = new Request(Request.Kind.RESYNC_DONE, 0, 0, null, false, 0);
      r.remoteDone = true;
      enqueue(r);
    }
  }

  private void resyncFinished() {
    synchronized (this) {
      try {
        Metadata m = meta.metadata();
        meta.persistBitmap();
        meta.write(m.withGenerations(m.generations().resyncedAsSource()));
      } catch (IOException e) {
        fault = "metadata write failed: " + e.getMessage();
        return;
      }
      resync = null;
      peerState = PeerState.CONNECTED;
      log.info("{}: resync of {} done", logPrefix, config.peerNode());
    }
    markPeerUpToDate();
  }

  /**
   * Records the peer as current again at the witness (the link is up and it is in sync), retried
   * while this link session lasts.
   */
  private void markPeerUpToDate() {
    PeerSession s;
    long term;
    synchronized (this) {
      s = session;
      term = epoch;
    }
    upToDateMarker.mark(
        term,
        () -> {
          synchronized (this) {
            return s != null
                && session == s
                && s.isOpen()
                && !closed
                && role == Role.PRIMARY
                && epoch == term
                && peerState == PeerState.CONNECTED;
          }
        });
  }

  private SecondaryApplier.Target volumeTarget() {
    return new SecondaryApplier.Target() {
      @Override
      public void becomingInconsistent() throws IOException {
        synchronized (ReplicatedVolume.this) {
          Metadata m = meta.metadata();
          if (m.diskState() != DiskState.INCONSISTENT) {
            meta.write(m.withDiskState(DiskState.INCONSISTENT));
            log.info("{}: resync target: Inconsistent until the resync completes", logPrefix);
          }
        }
      }

      @Override
      public void resyncCompleted(Generations source) throws IOException {
        synchronized (ReplicatedVolume.this) {
          meta.bitmap().clearAll();
          meta.persistBitmap();
          meta.write(
              meta.metadata()
                  .withDiskState(DiskState.UP_TO_DATE)
                  .withGenerations(Generations.resyncedAsTarget(source)));
          log.info("{}: resync complete: UpToDate", logPrefix);
        }
      }

      @Override
      public void diskFailed(IOException e) {
        synchronized (ReplicatedVolume.this) {
          fault = "local disk failed: " + e.getMessage();
        }
      }
    };
  }

  /**
   * Stops at once without a final metadata write, as a crash or a kill would leave it: for fault
   * injection. The metadata keeps saying "not shut down cleanly".
   */
  public void abandon() throws IOException {
    stopEverything("volume abandoned");
    meta.close();
  }

  /** Waits, at most {@code bound}, until no request holds a place in the stream. */
  private void awaitInFlight(Duration bound) {
    int all = (int) (MAX_IN_FLIGHT_BYTES / 4096);
    try {
      if (inFlightBytes.tryAcquire(all, bound.toMillis(), TimeUnit.MILLISECONDS)) {
        inFlightBytes.release(all);
      } else {
        log.warn(
            "{}: requests still in flight after {} ms; they are marked out of sync",
            logPrefix,
            bound.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void joinWriter() {
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Marks every request that may be on one disk and not the other: not yet written here, not yet
   * confirmed or flushed by the peer. Holds the lock.
   */
  private void markUnfinishedOutOfSync() {
    localQueue.forEach(this::markOutOfSync);
    localQueue.clear();
    awaitingPeer.values().forEach(this::markOutOfSync);
    awaitingFence.forEach(this::markOutOfSync);
    markUnflushedAtPeer();
  }

  /** Stops serving, the link and the timers; nothing is written. */
  private void stopEverything(String reason) {
    meters.close();
    if (udpPath != null) {
      udpPath.close();
    }
    PeerSession s;
    synchronized (this) {
      closed = true;
      serving = false;
      s = session;
    }
    if (s != null) {
      s.close(reason);
    }
    timers.shutdownNow();
    verifier.shutdownNow();
  }

  /**
   * A clean stop. New requests are refused and those in flight get a bounded time to finish on both
   * nodes; whatever did not (and whatever the peer has not flushed) is marked out of sync before
   * the shutdown is marked clean: a clean mark promises that the bitmap names every difference from
   * the peer.
   */
  @Override
  public void close() throws IOException {
    boolean primary;
    synchronized (this) {
      primary = role == Role.PRIMARY && !closed;
      serving = false;
    }
    if (primary) {
      awaitInFlight(config.dataTimeout());
    }
    stopEverything("volume closed");
    joinWriter();
    synchronized (this) {
      markUnfinishedOutOfSync();
      store.flush();
      meta.persistBitmap();
      meta.write(meta.metadata().withCleanShutdown(true).withActivityLog(List.of()));
      meta.close();
    }
  }
}
