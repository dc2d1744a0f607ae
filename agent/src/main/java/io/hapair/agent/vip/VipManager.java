package io.hapair.agent.vip;

import io.hapair.api.spec.Cidr;
import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service group's virtual IPs where they belong, level-triggered: every tick it compares
 * what the interface carries with what this node should carry (primary with a valid lease), and
 * adds, renews or removes. Addresses carry a short lifetime that only a live primary renews, so the
 * kernel drops them when the agent dies. A takeover is announced {@code count} times, then every
 * {@code refresh}.
 */
public final class VipManager implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(VipManager.class);
  private static final Duration TICK = Duration.ofMillis(250);

  /**
   * One managed address and how to announce it.
   *
   * @param vmac the virtual MAC it moves with, or null: it lives on {@code iface} itself
   */
  public record Vip(
      String iface,
      Cidr address,
      int garpCount,
      Duration garpInterval,
      Duration garpRefresh,
      Vmac vmac) {

    /** The interface that carries the address: the virtual MAC's macvlan, or {@code iface}. */
    String carrier() {
      return vmac == null ? iface : vmac.name();
    }
  }

  /** A VRRP-style virtual MAC (RFC 5798 7.3) on a macvlan named after its router id. */
  public record Vmac(String name, String mac) {
    public static Vmac of(int vrid, boolean ipv6) {
      return new Vmac(
          (ipv6 ? "hap6v" : "hapv") + vrid,
          String.format("00:00:5e:00:%02x:%02x", ipv6 ? 2 : 1, vrid & 0xff));
    }
  }

  private final List<Vip> vips;
  private final InterfaceOps os;
  private final BooleanSupplier shouldHold;
  private final Consumer<Boolean> onChange;
  private final int lifetimeSeconds;
  private final long refreshNanos;
  private final String logPrefix;
  private final Counter announcements;
  private final ScheduledExecutorService timer;
  private boolean holding;
  private long nextRefreshNanos;
  private long lastRenewNanos;

  /**
   * @param shouldHold whether this node should carry the addresses now (primary, lease valid)
   * @param onChange told true after the addresses are up, false before they go
   */
  public VipManager(
      List<Vip> vips,
      InterfaceOps os,
      BooleanSupplier shouldHold,
      Consumer<Boolean> onChange,
      int lifetimeSeconds,
      Tags tags,
      String logPrefix) {
    this.vips = vips;
    this.os = os;
    this.shouldHold = shouldHold;
    this.onChange = onChange;
    this.lifetimeSeconds = lifetimeSeconds;
    this.refreshNanos = refreshNanos(vips);
    this.logPrefix = logPrefix;
    this.announcements =
        Counter.builder("hapair.garp.sent")
            .description("Gratuitous ARPs / unsolicited neighbour advertisements sent")
            .tags(tags)
            .register(Metrics.globalRegistry);
    this.timer = Executors.newSingleThreadScheduledExecutor(Daemons.named("vip"));
    timer.scheduleWithFixedDelay(this::reconcile, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A pass now, not at the next tick: called on a role change, so a new primary announces the
   * address at once (a client reconnecting meanwhile would otherwise wait out a TCP retransmit).
   */
  public void kick() {
    timer.execute(this::reconcile);
  }

  /**
   * A pass now, returning once it ran (bounded): before the filesystem under a service goes, the
   * service's address goes.
   */
  public void settle(Duration bound) {
    try {
      timer.submit(this::reconcile).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: virtual IP pass did not finish: {}", logPrefix, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One pass: make the interfaces match the role. Runs on the timer thread only. */
  void reconcile() {
    try {
      boolean want = shouldHold.getAsBoolean();
      long now = System.nanoTime();
      if (want && !holding) {
        for (Vip vip : vips) {
          if (vip.vmac() != null) {
            os.ensureVmac(vip.iface(), vip.vmac().name(), vip.vmac().mac());
          }
          os.addOrRenew(vip.carrier(), vip.address(), lifetimeSeconds);
        }
        lastRenewNanos = now;
        onChange.accept(true); // if this fails, the next tick tries again
        holding = true;
        announceTakeover();
        nextRefreshNanos = now + refreshNanos;
      } else if (want) {
        if (now - lastRenewNanos > TimeUnit.SECONDS.toNanos(lifetimeSeconds) / 3) {
          for (Vip vip : vips) {
            os.addOrRenew(vip.carrier(), vip.address(), lifetimeSeconds);
          }
          lastRenewNanos = now;
        }
        if (refreshNanos > 0 && now - nextRefreshNanos >= 0) {
          for (Vip vip : vips) {
            announce(vip);
          }
          nextRefreshNanos = now + refreshNanos;
        }
      } else {
        if (holding) {
          onChange.accept(false);
          holding = false;
        }
        // Level-triggered: whatever put the address there (an earlier run, a crash), it goes.
        for (Vip vip : vips) {
          release(vip);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("{}: virtual IP reconcile failed: {}", logPrefix, e.toString());
    }
  }

  /**
   * Removes the address, and a virtual MAC's macvlan with it: two nodes must never have the same
   * MAC up on one LAN.
   */
  private void release(Vip vip) throws IOException {
    if (vip.vmac() == null) {
      if (os.has(vip.iface(), vip.address())) {
        os.remove(vip.iface(), vip.address());
        log.warn("{}: released {} on {}", logPrefix, vip.address(), vip.iface());
      }
    } else if (os.hasLink(vip.vmac().name())) {
      os.removeLink(vip.vmac().name()); // its addresses go with it
      log.warn(
          "{}: released {} and removed virtual MAC {} ({})",
          logPrefix,
          vip.address(),
          vip.vmac().name(),
          vip.vmac().mac());
    }
  }

  private void announce(Vip vip) throws IOException {
    os.announce(vip.carrier(), vip.address());
    announcements.increment();
  }

  /**
   * The periodic announcement. A virtual MAC is announced at least every second: only its own
   * frames (announcements, ARP answers) teach the switches where it is now, since replies leave by
   * the parent interface, as keepalived's VRRP adverts do every advert_int.
   */
  private static long refreshNanos(List<Vip> vips) {
    if (vips.isEmpty()) {
      return 0;
    }
    long refresh = vips.get(0).garpRefresh().toNanos();
    boolean vmac = vips.stream().anyMatch(v -> v.vmac() != null);
    return vmac
        ? Math.min(refresh > 0 ? refresh : Long.MAX_VALUE, VMAC_REFRESH.toNanos())
        : refresh;
  }

  private static final Duration VMAC_REFRESH = Duration.ofSeconds(1);

  private void announceTakeover() throws IOException {
    if (vips.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    for (Vip vip : vips) {
      announce(vip);
    }
    log.warn(
        "{}: took {} and announced it ({} ms)",
        logPrefix,
        vips.stream().map(v -> v.address() + " on " + v.carrier()).toList(),
        (System.nanoTime() - started) / 1_000_000);
    // A second burst once the old owner's address has expired for certain (its lifetime plus a
    // second, as keepalived's garp_master_delay): an old owner whose agent died still answers ARP
    // until then, and a client or switch that heard it last would keep sending there.
    long secondBurstMillis = TimeUnit.SECONDS.toMillis(lifetimeSeconds) + 1000;
    for (Vip vip : vips) {
      for (int i = 1; i < vip.garpCount(); i++) {
        announceLater(vip, vip.garpInterval().toMillis() * i);
      }
      for (int i = 0; i < vip.garpCount(); i++) {
        announceLater(vip, secondBurstMillis + vip.garpInterval().toMillis() * i);
      }
    }
  }

  private void announceLater(Vip vip, long delayMillis) {
    timer.schedule(
        () -> {
          try {
            if (holding) {
              announce(vip);
            }
          } catch (IOException e) {
            log.warn("{}: announcing {} failed: {}", logPrefix, vip.address(), e.toString());
          }
        },
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  /** Stops; the addresses are removed (a clean stop is a release). */
  @Override
  public void close() {
    timer.shutdownNow();
    for (Vip vip : vips) {
      try {
        release(vip);
      } catch (IOException e) {
        log.warn("{}: removing {} failed: {}", logPrefix, vip.address(), e.toString());
      }
    }
  }
}
