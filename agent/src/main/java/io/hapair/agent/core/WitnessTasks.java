package io.hapair.agent.core;

import io.hapair.agent.core.Event.WitnessOutcome;
import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a core asks the witness: outdating the peer (fencing), renewing a degraded primary's
 * lease, taking over, and re-listing a resynced peer. Each request carries a fresh nonce and has a
 * deadline; an answer that matches no open request is dropped, and a missed deadline is "outcome
 * unknown": re-read and act on what the record says.
 */
final class WitnessTasks {
  enum Kind {
    FENCE_READ,
    FENCE_CAS,
    RENEW,
    TAKEOVER_READ,
    TAKEOVER_CAS,
    RELIST_READ,
    RELIST_CAS
  }

  private record Call(Kind kind, long sentAt, long session) {}

  private final CoreContext c;
  private final VolumeCore core;
  private final Map<Long, Call> calls = new LinkedHashMap<>();
  private String distrust;

  /** The peer is listed up to date again within the current link session. */
  boolean relisted;

  WitnessTasks(CoreContext c, VolumeCore core) {
    this.c = c;
    this.core = core;
  }

  boolean pending(Kind... kinds) {
    for (Call call : calls.values()) {
      for (Kind k : kinds) {
        if (call.kind == k) {
          return true;
        }
      }
    }
    return false;
  }

  boolean takingOver() {
    return pending(Kind.TAKEOVER_READ, Kind.TAKEOVER_CAS);
  }

  private void ask(Kind kind, WitnessRecord expected, WitnessRecord proposed) {
    long nonce = c.cfg.freshIds().getAsLong();
    calls.put(nonce, new Call(kind, c.now, c.session));
    c.emit(new Command.AskWitness(nonce, expected, proposed));
  }

  /** Missed deadlines become "outcome unknown". */
  void tick() {
    List<Long> late = new ArrayList<>();
    calls.forEach(
        (nonce, call) -> {
          if (c.now - call.sentAt >= c.cfg.witnessTimeout()) {
            late.add(nonce);
          }
        });
    for (long nonce : late) {
      answer(new Event.WitnessAnswer(nonce, WitnessOutcome.OUTCOME_UNKNOWN, null));
    }
  }

  void answer(Event.WitnessAnswer a) {
    Call call = calls.remove(a.nonce());
    if (call == null) {
      return; // late, replayed or forged: bound to no open request
    }
    if (a.outcome() == WitnessOutcome.OUTCOME_UNKNOWN) {
      return; // nothing decided: the next tick re-reads
    }
    if (a.record() == null) {
      if (call.kind == Kind.FENCE_CAS) {
        fence(); // a conflict the witness did not explain: re-read at once
      }
      return;
    }
    Verdict trust =
        WitnessTrust.trust(
            a.record(), c.cfg.pairUid(), c.state.highestSeen(), a.nonce(), a.nonce());
    if (trust.denied()) {
      if (!trust.reason().equals(distrust)) {
        c.notice("ALARM witness distrusted, automation waits for a person: " + trust.reason());
      }
      distrust = trust.reason();
      return;
    }
    distrust = null;
    WitnessRecord r = a.record();
    if (r.epoch() > c.state.highestSeen()) {
      c.change(c.state.withHighestSeen(r.epoch()));
    }
    if (c.role == Role.PRIMARY
        && LinkAdmission.stepDown(c.role, c.state.epoch(), r.epoch()).allowed()) {
      core.stepDown("the witness names " + r.primary() + " primary of epoch " + r.epoch());
      return;
    }
    boolean ok = a.outcome() == WitnessOutcome.OK;
    switch (call.kind) {
      case FENCE_READ -> fenceRead(r, call);
      case FENCE_CAS -> {
        if (ok) {
          fenced(r, call.sentAt);
        } else {
          fence();
        }
      }
      case RENEW -> renewed(r, call.sentAt);
      case TAKEOVER_READ -> takeoverRead(r);
      case TAKEOVER_CAS -> {
        if (ok) {
          core.becomePrimary(r, call.sentAt);
        }
      }
      case RELIST_READ -> relistRead(r, call);
      case RELIST_CAS -> relisted = ok && call.session == c.session;
    }
  }

  // ------------------------------------------------------------------ fencing

  void fence() {
    if (!pending(Kind.FENCE_READ, Kind.FENCE_CAS)) {
      ask(Kind.FENCE_READ, null, null);
    }
  }

  private void fenceRead(WitnessRecord r, Call call) {
    if (c.role != Role.PRIMARY || core.primary().peerState != PrimaryPath.PeerState.FENCING) {
      return;
    }
    Verdict v = Fencing.mayFence(r, c.cfg.node(), c.state.epoch(), c.cfg.peer());
    if (v.denied()) {
      core.stepDown(v.reason());
      return;
    }
    if (c.cfg.has(CoreConfig.Bug.FENCE_READS_ONLY) && !r.isUpToDate(c.cfg.peer())) {
      fenced(r, call.sentAt);
      return;
    }
    ask(Kind.FENCE_CAS, r, Fencing.fenced(r, c.cfg.peer()));
  }

  private void fenced(WitnessRecord r, long sentAt) {
    if (c.role != Role.PRIMARY || core.primary().peerState != PrimaryPath.PeerState.FENCING) {
      return;
    }
    if (Leases.mayRenewAtWitness(r, c.cfg.node(), c.state.epoch(), c.cfg.peer()).allowed()) {
      c.extendLease(sentAt); // the witness just confirmed this node leads alone
    }
    if (c.state.generations().bitmap() == 0) {
      c.change(c.state.withGenerations(c.state.generations().diverge(nonZeroId())));
    }
    c.notice(c.cfg.peer() + " recorded as outdated; writing alone, changes tracked in the bitmap");
    core.primary().fenced();
  }

  // ------------------------------------------------------------------ a degraded primary's lease

  void renew() {
    if (!pending(Kind.RENEW) && c.leaseUntil - c.now < c.cfg.primaryTerm() / 2) {
      ask(Kind.RENEW, null, null);
    }
  }

  private void renewed(WitnessRecord r, long sentAt) {
    if (c.role == Role.PRIMARY
        && core.primary().peerState != PrimaryPath.PeerState.FENCING
        && Leases.mayRenewAtWitness(r, c.cfg.node(), c.state.epoch(), c.cfg.peer()).allowed()) {
      c.extendLease(sentAt);
    }
  }

  // ------------------------------------------------------------------ takeover

  void tryTakeover(boolean applying) {
    if (takingOver() || applying || c.state.disk() != DiskState.UP_TO_DATE) {
      return;
    }
    if (!c.cfg.has(CoreConfig.Bug.NO_LEASE_WAIT) && c.now - c.lastGrantAt < c.cfg.secondaryTerm()) {
      return;
    }
    if (c.budget.mayChange(c.now).denied()) {
      return;
    }
    ask(Kind.TAKEOVER_READ, null, null);
  }

  private void takeoverRead(WitnessRecord r) {
    if (c.role == Role.PRIMARY || core.linkedToPrimary() || c.stopping || c.fault != null) {
      return;
    }
    long lastGrant =
        c.cfg.has(CoreConfig.Bug.NO_LEASE_WAIT) ? c.now - c.cfg.secondaryTerm() : c.lastGrantAt;
    Verdict v =
        Promotion.mayPromote(
            c.cfg.node(), c.state.disk(), r, c.now, lastGrant, c.cfg.secondaryTerm());
    Verdict budget = c.budget.mayChange(c.now);
    if (v.denied() || budget.denied()) {
      return;
    }
    ask(Kind.TAKEOVER_CAS, r, r.promoted(c.cfg.node()));
  }

  // ------------------------------------------------------------------ re-listing a resynced peer

  void relist(boolean inSync) {
    if (!relisted && inSync && !pending(Kind.RELIST_READ, Kind.RELIST_CAS)) {
      ask(Kind.RELIST_READ, null, null);
    }
  }

  private void relistRead(WitnessRecord r, Call call) {
    boolean inSync = core.primary().resync().inSyncWithin(call.session);
    if (Fencing.mayRelist(call.session, c.session, inSync).denied()) {
      return;
    }
    if (Fencing.mayFence(r, c.cfg.node(), c.state.epoch(), c.cfg.peer()).denied()) {
      return;
    }
    if (r.isUpToDate(c.cfg.peer())) {
      relisted = true;
      return;
    }
    if (Leases.backedByPeer(c.leaseGranted, c.leaseUntil, c.peerGranted, c.peerGrantUntil)
        .denied()) {
      return; // the next tick asks again
    }
    ask(Kind.RELIST_CAS, r, r.withUpToDate(c.cfg.peer()));
  }

  long nonZeroId() {
    long id;
    do {
      id = c.cfg.freshIds().getAsLong();
    } while (id == 0);
    return id;
  }
}
