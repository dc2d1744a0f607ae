package io.hapair.agent.core;

import io.hapair.agent.meta.DiskState;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * A secondary's side of the link: applies the primary's stream strictly in order, one disk command
 * at a time (so its disk only ever holds a state a crash of the primary could have produced),
 * answers each step once it is done, and grants the primary its lease on every heartbeat.
 */
final class SecondaryPath {
  private record Step(long session, PeerMessage message) {}

  private final CoreContext c;
  private final Deque<Step> queue = new ArrayDeque<>();
  private boolean applying;

  SecondaryPath(CoreContext c) {
    this.c = c;
  }

  /**
   * Whether a disk command of the old primary's stream is still running (join before promoting).
   */
  boolean applying() {
    return applying;
  }

  /** Grants the primary a lease: this node will not try to promote for its term from now. */
  void ping(PeerMessage.Ping ping, boolean promoting) {
    if (promoting) {
      return; // a node asking the witness for the role grants nothing
    }
    c.lastGrantAt = c.now;
    c.send(new PeerMessage.Pong(ping.sentAt()));
  }

  void enqueue(PeerMessage m) {
    queue.add(new Step(c.session, m));
    pump();
  }

  /** The link ended: what was not started is dropped (none of it was acknowledged). */
  void linkLost() {
    queue.clear();
  }

  private void pump() {
    while (!applying && !queue.isEmpty()) {
      Step step = queue.pollFirst();
      if (step.session != c.session) {
        continue;
      }
      apply(step);
    }
  }

  private void apply(Step step) {
    applying = true;
    PeerMessage m = step.message;
    if (m instanceof PeerMessage.Write w) {
      c.disk(
          op -> new Command.DiskWrite(op, w.offset(), w.data(), w.fua()),
          d -> done(step, new PeerMessage.WriteAck(w.seq())));
    } else if (m instanceof PeerMessage.Flush f) {
      c.disk(Command.DiskFlush::new, d -> done(step, new PeerMessage.FlushAck(f.barrier())));
    } else if (m instanceof PeerMessage.ResyncData r) {
      // A resync target holds a mix of old and new blocks: Inconsistent, durably, first.
      long v = c.change(c.state.withDisk(DiskState.INCONSISTENT));
      afterMeta(
          v,
          () ->
              c.disk(
                  op ->
                      new Command.DiskWrite(
                          op, (long) r.region() * c.cfg.regionSize(), r.data(), false),
                  d -> done(step, new PeerMessage.ResyncAck(r.region()))));
    } else if (m instanceof PeerMessage.ResyncDone done) {
      c.disk(
          Command.DiskFlush::new,
          d -> {
            long v =
                c.change(
                    c.state
                        .withDisk(DiskState.UP_TO_DATE)
                        .withGenerations(done.sourceGenerations())
                        .withOutOfSync(Set.of())
                        .withActivity(Set.of()));
            afterMeta(v, () -> done(step, new PeerMessage.ResyncDoneAck()));
          });
    } else {
      applying = false;
    }
  }

  private Runnable waitingMeta;
  private long waitingVersion;

  private void afterMeta(long version, Runnable then) {
    if (c.durable(version)) {
      then.run();
    } else {
      waitingMeta = then;
      waitingVersion = version;
    }
  }

  void metaProgress() {
    if (waitingMeta != null && c.durable(waitingVersion)) {
      Runnable then = waitingMeta;
      waitingMeta = null;
      then.run();
    }
  }

  private void done(Step step, PeerMessage answer) {
    applying = false;
    if (step.session == c.session) {
      c.send(answer);
    }
    pump();
  }
}
