package io.hapair.agent.core;

import io.hapair.agent.meta.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The state every part of one core shares, and the commands it has emitted for the event being
 * handled. Single-threaded by construction: only {@link VolumeCore#handle} touches it.
 */
final class CoreContext {
  final CoreConfig cfg;
  final String log;
  List<Command> out = new ArrayList<>();
  long now;

  DurableState state;
  private long stateVersion;
  private long durableVersion;
  private long persistOp = -1;
  private long persistingVersion;
  private final Map<Long, Consumer<byte[]>> onDone = new HashMap<>();
  private final Map<Long, Runnable> onFail = new HashMap<>();
  private long nextOp = 1;

  Role role = Role.SECONDARY;

  /** A primary whose promotion is durable; it serves while its lease runs. */
  boolean active;

  String fault;
  boolean started;
  boolean stopping;

  boolean leaseGranted;
  long leaseUntil;
  boolean vipHeld;

  /** The part of the lease granted by the peer on the current link (a pong's send time + term). */
  boolean peerGranted;

  long peerGrantUntil;

  /** The current link session, or -1. */
  long session = -1;

  PeerMessage.Hello peer;
  long txCounter;
  long rxCounter;
  long lastHeard;

  long lastGrantAt;
  RoleChangeBudget budget;

  CoreContext(CoreConfig cfg) {
    this.cfg = cfg;
    this.log = cfg.pairUid() + "/" + cfg.node();
    this.budget = RoleChangeBudget.of(cfg.budgetMax(), cfg.budgetWindow());
  }

  void emit(Command c) {
    out.add(c);
  }

  void notice(String text) {
    out.add(new Command.Notice(log + ": " + text));
  }

  /** The epoch every frame carries: this primary's term, or the highest this node has seen. */
  long frameEpoch() {
    return role == Role.PRIMARY ? state.epoch() : state.highestSeen();
  }

  boolean linked() {
    return session >= 0 && peer != null;
  }

  void send(PeerMessage body) {
    if (session >= 0) {
      emit(new Command.SendFrame(new Frame(session, txCounter++, frameEpoch(), body)));
    }
  }

  /** Issues one disk command; {@code done} runs with its completion. */
  long disk(LongFunction<Command> command, Consumer<byte[]> done) {
    long op = nextOp++;
    onDone.put(op, done);
    emit(command.apply(op));
    return op;
  }

  /** As {@link #disk}, with what to do when the command fails. */
  long disk(LongFunction<Command> command, Consumer<byte[]> done, Runnable failed) {
    long op = disk(command, done);
    onFail.put(op, failed);
    return op;
  }

  /** Whether {@code op} was issued by this core and not completed yet; runs its continuation. */
  boolean complete(long op, byte[] data) {
    Consumer<byte[]> done = onDone.remove(op);
    onFail.remove(op);
    if (done == null) {
      return false;
    }
    done.accept(data);
    return true;
  }

  /** Whether {@code op} was issued by this core and not completed yet; runs its failure path. */
  boolean fail(long op) {
    Runnable failed = onFail.remove(op);
    if (onDone.remove(op) == null) {
      return false;
    }
    if (failed != null) {
      failed.run();
    }
    return true;
  }

  // ------------------------------------------------------------------ metadata

  /** Changes the durable state; returns the version to wait for before relying on it. */
  long change(DurableState next) {
    if (next.equals(state)) {
      return durableVersion >= stateVersion ? durableVersion : stateVersion;
    }
    state = next;
    stateVersion++;
    if (persistOp < 0) {
      persist();
    }
    return stateVersion;
  }

  boolean durable(long version) {
    return durableVersion >= version;
  }

  long stateVersion() {
    return stateVersion;
  }

  /** One metadata write at a time, so an older state never lands over a newer one. */
  private void persist() {
    persistingVersion = stateVersion;
    DurableState snapshot = state;
    persistOp =
        disk(
            op -> new Command.PersistState(op, snapshot),
            data -> {
              durableVersion = persistingVersion;
              persistOp = -1;
              if (stateVersion > durableVersion) {
                persist();
              }
            });
  }

  boolean leaseValid() {
    return Leases.valid(leaseGranted, leaseUntil, now);
  }

  void extendLease(long sentAt) {
    long until = Leases.grantedUntil(sentAt, cfg.primaryTerm());
    if (!leaseGranted || until - leaseUntil > 0) {
      leaseUntil = until;
      leaseGranted = true;
    }
  }

  boolean serving() {
    return role == Role.PRIMARY && active && fault == null && !stopping && leaseValid();
  }

  void reply(long request, boolean ok, byte[] data, String error) {
    if (ok && !serving()) {
      emit(new Command.Reply(request, false, null, "not serving: " + why()));
      return;
    }
    emit(new Command.Reply(request, ok, data, error));
  }

  String why() {
    if (fault != null) {
      return fault;
    }
    if (stopping) {
      return "stopping";
    }
    if (role != Role.PRIMARY || !active) {
      return "not primary";
    }
    return Leases.mayServe(leaseGranted, leaseUntil, now).reason();
  }
}
