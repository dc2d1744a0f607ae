package io.hapair.agent.core;

import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.SyncDecision;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The safety logic of one replicated volume as a pure, single-threaded state machine: {@link
 * #handle} takes one event with the monotonic time it happened at and returns the commands the
 * drivers must carry out. It owns no thread, lock, socket or clock, so the same object runs in
 * production and inside the deterministic simulator (docs/design/0011).
 *
 * <p>Every node starts as a secondary. It becomes primary only through a witness CAS naming it
 * primary of a new epoch, allowed by {@link Promotion}; it serves only while its lease runs ({@link
 * Leases}); it outdates its peer through {@link Fencing} before answering anything alone; and it
 * steps down on hearing of a newer epoch.
 */
public final class VolumeCore {
  private final CoreContext c;
  private final PrimaryPath primary;
  private final SecondaryPath secondary;
  private final WitnessTasks witness;
  private long activationVersion = -1;
  private long activationLeaseFrom;
  private long stopVersion = -1;

  public VolumeCore(CoreConfig cfg) {
    this.c = new CoreContext(cfg);
    this.primary = new PrimaryPath(c);
    this.secondary = new SecondaryPath(c);
    this.witness = new WitnessTasks(c, this);
  }

  /** Handles one event at {@code now} (this node's monotonic clock, never going back). */
  public List<Command> handle(long now, Event event) {
    c.now = now;
    c.out = new ArrayList<>();
    if (event instanceof Event.Start start) {
      start(start.state());
    } else if (!c.started) {
      return c.out;
    } else if (event instanceof Event.Timer) {
      tick();
    } else if (event instanceof Event.ClientWrite w) {
      primary.write(w.request(), w.offset(), w.data(), w.fua());
    } else if (event instanceof Event.ClientFlush f) {
      primary.flush(f.request());
    } else if (event instanceof Event.ClientRead r) {
      primary.read(r.request(), r.offset(), r.length());
    } else if (event instanceof Event.DiskDone d) {
      c.complete(d.op(), d.data());
    } else if (event instanceof Event.DiskFailed d) {
      if (c.fail(d.op())) {
        fault("disk error: " + d.reason());
      }
    } else if (event instanceof Event.WitnessAnswer a) {
      witness.answer(a);
    } else if (event instanceof Event.PeerFrame f) {
      frame(f.frame());
    } else if (event instanceof Event.LinkUp up) {
      linkUp(up.session());
    } else if (event instanceof Event.LinkDown down) {
      if (down.session() == c.session) {
        linkLost(down.reason());
      }
    } else if (event instanceof Event.Stop) {
      stop();
    }
    afterEvent();
    return c.out;
  }

  // ------------------------------------------------------------------ what drivers and tests read

  /** Whether this node may answer a client at {@code now}: primary, active, lease running. */
  public boolean allowedToServe(long now) {
    return c.role == Role.PRIMARY
        && c.active
        && c.fault == null
        && !c.stopping
        && Leases.valid(c.leaseGranted, c.leaseUntil, now);
  }

  /** Whether this primary replicates to a connected secondary (for status and tests). */
  public boolean replicating() {
    return c.role == Role.PRIMARY
        && primary.peerState == PrimaryPath.PeerState.CONNECTED
        && c.linked();
  }

  /** Whether the link connector should offer a new link session. */
  public boolean wantsLink() {
    return c.started
        && !c.stopping
        && c.fault == null
        && c.session < 0
        && activationVersion < 0
        && !(c.role == Role.PRIMARY && primary.peerState == PrimaryPath.PeerState.FENCING);
  }

  public Role role() {
    return c.role;
  }

  public long epoch() {
    return c.state.epoch();
  }

  public DurableState state() {
    return c.state;
  }

  public String fault() {
    return c.fault;
  }

  /** Why this node does not serve, or what it is doing (for status and tests). */
  public String describe() {
    return c.role
        + (c.role == Role.PRIMARY
            ? " of epoch " + c.state.epoch() + ", peer " + primary.peerState
            : "")
        + ", disk "
        + c.state.disk()
        + ", "
        + (allowedToServe(c.now) ? "serving" : "not serving: " + c.why());
  }

  // ------------------------------------------------------------------ lifecycle

  private void start(DurableState loaded) {
    c.started = true;
    c.state = loaded.clean() ? loaded : loaded.recovered();
    c.change(c.state.withClean(false));
    // This node may have promised a primary not to promote just before it went down.
    c.lastGrantAt = c.now;
    c.emit(new Command.SetTimer(c.now + c.cfg.heartbeat()));
  }

  private void stop() {
    if (c.stopping) {
      return;
    }
    leaveRole("the volume is stopping");
    c.stopping = true;
    if (c.session >= 0) {
      closeLink("stopping");
    }
    c.disk(
        Command.DiskFlush::new,
        d -> stopVersion = c.change(c.state.withActivity(Set.of()).withClean(true)));
  }

  private void fault(String why) {
    if (c.fault != null) {
      return;
    }
    leaveRole(why);
    c.fault = why;
    c.notice("FAULT " + why + ": not serving, not promoting, until restarted");
    if (c.session >= 0) {
      closeLink(why);
    }
  }

  private void tick() {
    witness.tick();
    if (c.session >= 0 && c.now - c.lastHeard >= c.cfg.deadAfter()) {
      closeLink("nothing from " + c.cfg.peer() + " for " + (c.now - c.lastHeard) + " ns");
    }
    if (c.fault == null && !c.stopping) {
      if (c.role == Role.PRIMARY && c.active) {
        switch (primary.peerState) {
          case CONNECTED -> {
            if (c.linked()) {
              c.send(new PeerMessage.Ping(c.now));
            }
            primary.tick();
            witness.relist(primary.resync().inSyncWithin(c.session));
          }
          case FENCING -> witness.fence();
          case DEGRADED -> {
            witness.renew();
            primary.tick();
          }
        }
      } else if (c.role == Role.SECONDARY
          && activationVersion < 0
          && c.cfg.autoFailover()
          && !linkedToPrimary()) {
        witness.tryTakeover(secondary.applying());
      }
    }
    c.emit(new Command.SetTimer(c.now + c.cfg.heartbeat()));
  }

  private void afterEvent() {
    primary.metaProgress();
    secondary.metaProgress();
    if (activationVersion >= 0 && c.durable(activationVersion)) {
      activationVersion = -1;
      c.role = Role.PRIMARY;
      c.active = true;
      primary.peerState = PrimaryPath.PeerState.DEGRADED;
      c.extendLease(activationLeaseFrom);
      c.notice("primary of epoch " + c.state.epoch() + "; " + c.cfg.peer() + " is outdated");
    }
    if (stopVersion >= 0 && c.durable(stopVersion)) {
      stopVersion = -1;
      c.emit(new Command.Stopped());
    }
    boolean serving = c.serving();
    if (serving && !c.vipHeld) {
      c.vipHeld = true;
      c.emit(new Command.TakeVip(c.state.epoch()));
    } else if (!serving && c.vipHeld) {
      c.vipHeld = false;
      c.emit(new Command.ReleaseVip(c.why()));
    }
  }

  // ------------------------------------------------------------------ roles

  PrimaryPath primary() {
    return primary;
  }

  boolean linkedToPrimary() {
    return c.linked() && c.peer.role() == Role.PRIMARY;
  }

  /** The witness named this node primary of {@code record}'s epoch (CAS sent at casSentAt). */
  void becomePrimary(WitnessRecord record, long casSentAt) {
    if (c.role == Role.PRIMARY || c.stopping || c.fault != null) {
      return;
    }
    if (c.session >= 0) {
      closeLink("promoted to primary of epoch " + record.epoch());
    }
    c.budget = c.budget.changed(c.now);
    activationLeaseFrom = casSentAt;
    activationVersion =
        c.change(
            c.state
                .led(record.epoch())
                .withGenerations(c.state.generations().diverge(witness.nonZeroId())));
  }

  /** Another node leads a newer epoch, or the witness took the role away. */
  void stepDown(String why) {
    if (c.role != Role.PRIMARY) {
      return;
    }
    c.notice("steps down to secondary: " + why);
    leaveRole(why);
    if (c.session >= 0) {
      closeLink("stepped down");
    }
  }

  private void leaveRole(String why) {
    if (c.role == Role.PRIMARY) {
      primary.abandon("not serving: " + why);
    }
    c.role = Role.SECONDARY;
    c.active = false;
    c.leaseGranted = false;
    c.lastGrantAt = c.now;
    activationVersion = -1;
  }

  // ------------------------------------------------------------------ the link

  private void linkUp(long session) {
    if (!wantsLink()) {
      c.emit(new Command.CloseLink(session, "not taking a link now: " + describe()));
      return;
    }
    c.session = session;
    c.peer = null;
    c.txCounter = 0;
    c.rxCounter = 0;
    c.lastHeard = c.now;
    Set<Integer> dirty = new TreeSet<>(c.state.outOfSync());
    dirty.addAll(c.state.activity());
    c.send(
        new PeerMessage.Hello(
            c.cfg.pairUid(),
            c.cfg.node(),
            c.role,
            c.role == Role.PRIMARY ? c.state.epoch() : 0,
            c.state.highestSeen(),
            c.state.disk(),
            c.state.generations(),
            dirty));
  }

  private void closeLink(String reason) {
    c.emit(new Command.CloseLink(c.session, reason));
    linkLost(reason);
  }

  private void linkLost(String reason) {
    boolean joined = c.peer != null;
    c.session = -1;
    c.peer = null;
    c.peerGranted = false;
    witness.relisted = false;
    secondary.linkLost();
    if (c.role == Role.PRIMARY
        && c.active
        && joined
        && primary.peerState == PrimaryPath.PeerState.CONNECTED) {
      c.notice(
          "lost " + c.cfg.peer() + " (" + reason + "): outdating it before acknowledging alone");
      primary.peerLost();
      witness.fence();
    }
  }

  private void frame(Frame f) {
    if (f.session() != c.session) {
      return; // an earlier session's frame (or a replay of one): never acted on
    }
    boolean fromPrimary = c.peer != null && c.peer.role() == Role.PRIMARY;
    Verdict v =
        LinkAdmission.acceptFrame(
            f.session(),
            c.session,
            f.counter(),
            c.rxCounter,
            f.epoch(),
            fromPrimary ? c.state.highestSeen() : Long.MIN_VALUE);
    if (v.denied()) {
      closeLink(v.reason());
      return;
    }
    c.rxCounter++;
    c.lastHeard = c.now;
    if (f.body() instanceof PeerMessage.Hello hello) {
      hello(hello);
      return;
    }
    if (c.peer == null) {
      closeLink("a frame before the hello");
      return;
    }
    if (LinkAdmission.stepDown(c.role, c.state.epoch(), f.epoch()).allowed()) {
      stepDown(c.cfg.peer() + " has seen epoch " + f.epoch());
      return;
    }
    if (fromPrimary) {
      fromPrimary(f.body());
    } else if (c.role == Role.PRIMARY && c.active) {
      fromSecondary(f.body());
    }
  }

  private void hello(PeerMessage.Hello hello) {
    if (c.peer != null) {
      closeLink("a second hello on one session");
      return;
    }
    if (c.role == Role.PRIMARY) {
      Verdict down = LinkAdmission.stepDown(c.role, c.state.epoch(), hello.highestSeen());
      if (down.allowed()) {
        stepDown(down.reason());
        return;
      }
    }
    SyncDecision.Outcome data =
        SyncDecision.decide(c.state.generations(), c.role, hello.generations(), hello.role());
    Verdict v =
        LinkAdmission.admit(
            new LinkAdmission.Local(
                c.cfg.pairUid(), c.role, c.state.epoch(), c.state.highestSeen()),
            hello,
            data);
    if (v.denied()) {
      c.notice("refusing the link to " + c.cfg.peer() + ": " + v.reason());
      closeLink(v.reason());
      return;
    }
    c.peer = hello;
    if (hello.role() == Role.PRIMARY) {
      c.change(c.state.withHighestSeen(hello.epoch()));
    } else if (c.role == Role.PRIMARY && c.active) {
      primary.peerJoined(hello.dirtyRegions());
    }
  }

  private void fromPrimary(PeerMessage m) {
    if (c.role == Role.PRIMARY) {
      return;
    }
    if (m instanceof PeerMessage.Ping ping) {
      secondary.ping(ping, witness.takingOver());
    } else if (m instanceof PeerMessage.Write
        || m instanceof PeerMessage.Flush
        || m instanceof PeerMessage.ResyncData
        || m instanceof PeerMessage.ResyncDone) {
      secondary.enqueue(m);
    } else {
      closeLink("unexpected " + m.getClass().getSimpleName() + " from the primary");
    }
  }

  private void fromSecondary(PeerMessage m) {
    if (m instanceof PeerMessage.Pong pong) {
      if (pong.sentAt() <= c.now && primary.peerState == PrimaryPath.PeerState.CONNECTED) {
        c.extendLease(pong.sentAt());
        long until = Leases.grantedUntil(pong.sentAt(), c.cfg.primaryTerm());
        if (!c.peerGranted || until - c.peerGrantUntil > 0) {
          c.peerGrantUntil = until;
          c.peerGranted = true;
        }
      }
    } else if (m instanceof PeerMessage.WriteAck a) {
      primary.writeAck(a.seq());
    } else if (m instanceof PeerMessage.FlushAck a) {
      primary.flushAck(a.barrier());
    } else if (m instanceof PeerMessage.ResyncAck a) {
      primary.resync().acked(a.region());
    } else if (m instanceof PeerMessage.ResyncDoneAck) {
      primary.resync().doneAcked();
    } else {
      closeLink("unexpected " + m.getClass().getSimpleName() + " from the secondary");
    }
  }
}
