package io.hapair.agent.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A primary's write path, protocol C: a write is answered once it is on the local disk and in the
 * peer's page cache, or, without the peer, once the peer is outdated at the witness and the write's
 * regions are durably marked out of sync. Writes the peer confirmed stay tracked until the peer's
 * answer to a later FLUSH covers them (barrier acks); on link loss they are marked out of sync.
 */
final class PrimaryPath {
  enum PeerState {
    CONNECTED,
    /** The link is gone; the peer is being outdated at the witness; writes wait. */
    FENCING,
    /** The witness records the peer as outdated; writes are answered alone. */
    DEGRADED
  }

  private enum Peer {
    TO_SEND,
    SENT,
    ACKED,
    FENCE_HELD,
    NOT_NEEDED
  }

  private static final class PendingWrite {
    final long request;
    final long seq;
    final long offset;
    final byte[] data;
    final boolean fua;
    final int[] regions;
    Peer peer;
    boolean localDone;
    long needVersion;

    PendingWrite(long request, long seq, long offset, byte[] data, boolean fua, int[] regions) {
      this.request = request;
      this.seq = seq;
      this.offset = offset;
      this.data = data;
      this.fua = fua;
      this.regions = regions;
    }
  }

  private static final class PendingFlush {
    final long request;
    final long barrier;
    boolean localDone;
    Peer peer;

    PendingFlush(long request, long barrier, Peer peer) {
      this.request = request;
      this.barrier = barrier;
      this.peer = peer;
    }
  }

  private final CoreContext c;
  private final ResyncSource resync;
  PeerState peerState = PeerState.DEGRADED;

  private long seq;
  private long lastSentSeq;
  private final Map<Long, PendingWrite> writes = new LinkedHashMap<>();
  private final Deque<PendingWrite> waitingMeta = new ArrayDeque<>();
  private final List<PendingFlush> flushes = new ArrayList<>();
  private final TreeMap<Long, int[]> unconfirmed = new TreeMap<>();
  private final TreeMap<Long, int[]> confirmedUncovered = new TreeMap<>();
  private final Map<Integer, Long> regionLastSeq = new HashMap<>();
  private final Map<Integer, Integer> regionInFlight = new HashMap<>();
  private boolean trimFlushRunning;

  PrimaryPath(CoreContext c) {
    this.c = c;
    this.resync = new ResyncSource(c, this);
  }

  ResyncSource resync() {
    return resync;
  }

  // ------------------------------------------------------------------ client requests

  void write(long request, long offset, byte[] data, boolean fua) {
    if (!c.serving()) {
      c.reply(request, false, null, "not serving: " + c.why());
      return;
    }
    int[] regions = regions(offset, data.length);
    PendingWrite w = new PendingWrite(request, ++seq, offset, data, fua, regions);
    writes.put(w.seq, w);
    for (int r : regions) {
      regionLastSeq.put(r, w.seq);
      regionInFlight.merge(r, 1, Integer::sum);
    }
    if (peerState == PeerState.CONNECTED) {
      w.peer = Peer.TO_SEND;
      w.needVersion = mark(regions, false);
    } else {
      w.peer = peerState == PeerState.FENCING ? Peer.FENCE_HELD : Peer.NOT_NEEDED;
      w.needVersion = mark(regions, true);
    }
    if (!waitingMeta.isEmpty() || !c.durable(w.needVersion)) {
      waitingMeta.add(w);
    } else {
      start(w);
    }
  }

  void flush(long request) {
    if (!c.serving()) {
      c.reply(request, false, null, "not serving: " + c.why());
      return;
    }
    PendingFlush f =
        new PendingFlush(
            request,
            lastSentSeq,
            switch (peerState) {
              case CONNECTED -> Peer.SENT;
              case FENCING -> Peer.FENCE_HELD;
              case DEGRADED -> Peer.NOT_NEEDED;
            });
    flushes.add(f);
    if (f.peer == Peer.SENT) {
      c.send(new PeerMessage.Flush(f.barrier));
    }
    c.disk(
        Command.DiskFlush::new,
        d -> {
          f.localDone = true;
          tryReplyFlushes();
        });
  }

  void read(long request, long offset, int length) {
    if (!c.serving()) {
      c.reply(request, false, null, "not serving: " + c.why());
      return;
    }
    c.disk(
        op -> new Command.DiskRead(op, offset, length),
        d -> c.reply(request, true, d, null),
        () -> c.reply(request, false, null, "read failed on the local disk"));
  }

  // ------------------------------------------------------------------ the write's life

  /** Adds regions to the activity log (or, alone, to the bitmap); the version to wait for. */
  private long mark(int[] regions, boolean alone) {
    DurableState s = c.state;
    Set<Integer> target = new TreeSet<>(alone ? s.outOfSync() : s.activity());
    boolean grew = false;
    for (int r : regions) {
      if (!s.outOfSync().contains(r)) {
        grew |= target.add(r);
      }
    }
    if (!grew) {
      return 0;
    }
    return c.change(alone ? s.withOutOfSync(target) : s.withActivity(target));
  }

  private void start(PendingWrite w) {
    if (w.peer == Peer.TO_SEND) {
      if (peerState == PeerState.CONNECTED && c.linked()) {
        c.send(new PeerMessage.Write(w.seq, w.offset, w.data, w.fua));
        lastSentSeq = w.seq;
        unconfirmed.put(w.seq, w.regions);
        w.peer = Peer.SENT;
      } else {
        // The link went while it waited for the activity log: its regions were marked then.
        w.peer = peerState == PeerState.FENCING ? Peer.FENCE_HELD : Peer.NOT_NEEDED;
        w.needVersion = Math.max(w.needVersion, mark(w.regions, true));
      }
    }
    c.disk(
        op -> new Command.DiskWrite(op, w.offset, w.data, w.fua),
        d -> {
          w.localDone = true;
          for (int r : w.regions) {
            regionInFlight.computeIfPresent(r, (k, n) -> n > 1 ? n - 1 : null);
          }
          tryReply(w);
          resync.pump();
        });
  }

  /** The metadata caught up: start the writes that waited for it, in order. */
  void metaProgress() {
    while (!waitingMeta.isEmpty() && c.durable(waitingMeta.peekFirst().needVersion)) {
      start(waitingMeta.pollFirst());
    }
    if (!writes.isEmpty()) {
      new ArrayList<>(writes.values()).forEach(this::tryReply);
    }
  }

  private void tryReply(PendingWrite w) {
    boolean peerOk =
        w.peer == Peer.ACKED
            || w.peer == Peer.NOT_NEEDED
            || (w.peer == Peer.FENCE_HELD && c.cfg.has(CoreConfig.Bug.ACK_BEFORE_OUTDATE));
    if (w.localDone && peerOk && c.durable(w.needVersion) && writes.remove(w.seq) != null) {
      c.reply(w.request, true, null, null);
    }
  }

  private void tryReplyFlushes() {
    flushes.removeIf(
        f -> {
          boolean peerOk =
              f.peer == Peer.ACKED
                  || f.peer == Peer.NOT_NEEDED
                  || (f.peer == Peer.FENCE_HELD && c.cfg.has(CoreConfig.Bug.ACK_BEFORE_OUTDATE));
          if (f.localDone && peerOk) {
            c.reply(f.request, true, null, null);
            return true;
          }
          return false;
        });
  }

  // ------------------------------------------------------------------ the peer's answers

  void writeAck(long ackSeq) {
    int[] regions = unconfirmed.remove(ackSeq);
    PendingWrite w = writes.get(ackSeq);
    if (regions != null && !(w != null && w.fua) && !c.cfg.has(CoreConfig.Bug.NO_BARRIER_ACKS)) {
      // In the peer's page cache only: kept until a FLUSH answer covers it.
      confirmedUncovered.put(ackSeq, regions);
    }
    if (w != null && w.peer == Peer.SENT) {
      w.peer = Peer.ACKED;
      tryReply(w);
    }
  }

  void flushAck(long barrier) {
    confirmedUncovered.headMap(barrier, true).clear();
    for (PendingFlush f : flushes) {
      if (f.peer == Peer.SENT && f.barrier <= barrier) {
        f.peer = Peer.ACKED;
      }
    }
    tryReplyFlushes();
  }

  /**
   * Keeps the tracked sets small. A FLUSH to the peer lets its confirmed writes go (barrier acks:
   * the peer's volatile cache); a local flush lets regions whose writes are all done on both sides
   * leave the activity log (this node's volatile cache and its writes in flight).
   */
  void tick() {
    if (!confirmedUncovered.isEmpty() && peerState == PeerState.CONNECTED && c.linked()) {
      c.send(new PeerMessage.Flush(lastSentSeq));
    }
    if (trimFlushRunning || c.state.activity().isEmpty()) {
      return;
    }
    long covered = writes.isEmpty() ? seq : writes.keySet().iterator().next() - 1;
    trimFlushRunning = true;
    c.disk(
        Command.DiskFlush::new,
        d -> {
          trimFlushRunning = false;
          Set<Integer> keep = new TreeSet<>();
          for (int r : c.state.activity()) {
            if (regionLastSeq.getOrDefault(r, 0L) > covered) {
              keep.add(r);
            }
          }
          c.change(c.state.withActivity(keep));
        });
  }

  // ------------------------------------------------------------------ losing and fencing the peer

  /** The link is gone: whatever the peer may lack is marked out of sync, and writes wait. */
  void peerLost() {
    resync.stop();
    Set<Integer> lost = new TreeSet<>(c.state.outOfSync());
    lost.addAll(c.state.activity());
    unconfirmed.values().forEach(rs -> add(lost, rs));
    confirmedUncovered.values().forEach(rs -> add(lost, rs));
    writes.values().forEach(w -> add(lost, w.regions));
    unconfirmed.clear();
    confirmedUncovered.clear();
    long v = c.change(c.state.withOutOfSync(lost));
    for (PendingWrite w : writes.values()) {
      if (w.peer == Peer.SENT || w.peer == Peer.TO_SEND) {
        w.peer = w.peer == Peer.SENT ? Peer.FENCE_HELD : Peer.TO_SEND;
      }
      w.needVersion = Math.max(w.needVersion, v);
    }
    for (PendingFlush f : flushes) {
      if (f.peer == Peer.SENT) {
        f.peer = Peer.FENCE_HELD;
      }
    }
    peerState = PeerState.FENCING;
    new ArrayList<>(writes.values()).forEach(this::tryReply);
    tryReplyFlushes();
  }

  /** The witness records the peer as outdated: held writes may be answered alone. */
  void fenced() {
    peerState = PeerState.DEGRADED;
    long v = c.stateVersion();
    for (PendingWrite w : writes.values()) {
      if (w.peer == Peer.FENCE_HELD) {
        w.peer = Peer.NOT_NEEDED;
        w.needVersion = Math.max(w.needVersion, v);
      }
    }
    for (PendingFlush f : flushes) {
      if (f.peer == Peer.FENCE_HELD) {
        f.peer = Peer.NOT_NEEDED;
      }
    }
    new ArrayList<>(writes.values()).forEach(this::tryReply);
    tryReplyFlushes();
  }

  /** A secondary was admitted on the link: replicate from now on, and resync what differs. */
  void peerJoined(Set<Integer> peerDirty) {
    peerState = PeerState.CONNECTED;
    Set<Integer> oos = new TreeSet<>(c.state.outOfSync());
    oos.addAll(peerDirty);
    c.change(c.state.withOutOfSync(oos));
    resync.start();
  }

  boolean regionBusy(int region) {
    return regionInFlight.getOrDefault(region, 0) > 0;
  }

  /**
   * Stops being primary: every pending request fails, and everything that may differ from the peer
   * is marked out of sync. Returns the version that makes the marks durable.
   */
  long abandon(String why) {
    Set<Integer> oos = new TreeSet<>(c.state.outOfSync());
    oos.addAll(c.state.activity());
    unconfirmed.values().forEach(rs -> add(oos, rs));
    confirmedUncovered.values().forEach(rs -> add(oos, rs));
    writes.values().forEach(w -> add(oos, w.regions));
    for (PendingWrite w : writes.values()) {
      c.emit(new Command.Reply(w.request, false, null, why));
    }
    for (PendingFlush f : flushes) {
      c.emit(new Command.Reply(f.request, false, null, why));
    }
    writes.clear();
    waitingMeta.clear();
    flushes.clear();
    unconfirmed.clear();
    confirmedUncovered.clear();
    regionInFlight.clear();
    resync.stop();
    peerState = PeerState.DEGRADED;
    return c.change(c.state.withOutOfSync(oos).withActivity(Set.of()));
  }

  private int[] regions(long offset, int length) {
    int first = c.cfg.region(offset);
    int last = c.cfg.region(offset + Math.max(length, 1) - 1);
    int[] rs = new int[last - first + 1];
    for (int i = 0; i < rs.length; i++) {
      rs[i] = first + i;
    }
    return rs;
  }

  private static void add(Set<Integer> into, int[] regions) {
    for (int r : regions) {
      into.add(r);
    }
  }
}
