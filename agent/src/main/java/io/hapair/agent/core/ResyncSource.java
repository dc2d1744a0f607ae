package io.hapair.agent.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

/**
 * The primary's side of a resync: sends each out-of-sync region whole, one at a time, re-reading a
 * region when a client write touched it meanwhile. The bits are cleared only when the target has
 * flushed everything (its RESYNC_DONE answer); then the peer is put back into the witness record,
 * bound to this link session.
 */
final class ResyncSource {
  private final CoreContext c;
  private final PrimaryPath primary;
  private final Deque<Integer> queue = new ArrayDeque<>();
  private final Set<Integer> sent = new TreeSet<>();
  private long session = -1;
  private int inFlight = -1;
  private boolean doneSent;

  /** The target is resynced and flushed in {@link #session}: it may be re-listed. */
  private boolean inSync;

  ResyncSource(CoreContext c, PrimaryPath primary) {
    this.c = c;
    this.primary = primary;
  }

  void start() {
    queue.clear();
    queue.addAll(new TreeSet<>(c.state.outOfSync()));
    sent.clear();
    session = c.session;
    inFlight = -1;
    doneSent = false;
    inSync = false;
    pump();
  }

  void stop() {
    session = -1;
    queue.clear();
    inFlight = -1;
    inSync = false;
  }

  boolean inSyncWithin(long s) {
    return inSync && session == s;
  }

  long session() {
    return session;
  }

  void pump() {
    if (session < 0 || session != c.session || inFlight >= 0 || doneSent) {
      return;
    }
    int tries = queue.size();
    while (!queue.isEmpty() && tries-- > 0) {
      int region = queue.pollFirst();
      if (primary.regionBusy(region)) {
        queue.addLast(region); // a write is on its way to the disk: read after it
        continue;
      }
      inFlight = region;
      long s = session;
      int size = c.cfg.regionSize();
      c.disk(
          op -> new Command.DiskRead(op, (long) region * size, size),
          data -> {
            if (s != session || inFlight != region) {
              return;
            }
            if (primary.regionBusy(region)) {
              inFlight = -1;
              queue.addLast(region);
            } else {
              c.send(new PeerMessage.ResyncData(region, data));
            }
          });
      return;
    }
    if (queue.isEmpty()) {
      doneSent = true;
      c.send(new PeerMessage.ResyncDone(c.state.generations().resyncedAsSource()));
    }
  }

  void acked(int region) {
    if (region == inFlight) {
      sent.add(region);
      inFlight = -1;
      pump();
    }
  }

  /** The target flushed everything it was sent: those bits may go. */
  void doneAcked() {
    if (!doneSent || session != c.session) {
      return;
    }
    Set<Integer> oos = new TreeSet<>(c.state.outOfSync());
    oos.removeAll(sent);
    DurableState next = c.state.withOutOfSync(oos);
    if (oos.isEmpty()) {
      next = next.withGenerations(c.state.generations().resyncedAsSource());
      inSync = true;
    }
    c.change(next);
    if (!inSync) {
      start(); // regions marked meanwhile: another round
    }
  }
}
