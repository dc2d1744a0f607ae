package io.hapair.agent.standalone;

import io.hapair.agent.attach.AttachBackend;
import io.hapair.agent.attach.Attachment;
import io.hapair.agent.fs.Filesystem;
import io.hapair.agent.fs.FilesystemException;
import io.hapair.agent.hooks.HookRunner;
import io.hapair.agent.meta.Role;
import io.hapair.agent.nbd.UnixNbdServer;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group's filesystem on the primary, in Pacemaker's order: on promotion serve the volume on a
 * local Unix socket, attach it as a block device, find (or, when blank and allowed, create) the
 * filesystem, check it, mount it, run the start hooks, and only then let the virtual IP come up; on
 * demotion the reverse. Each step is bounded and logged with its duration. A step that fails leaves
 * the group stopped on this node with the reason logged, counted and in {@link #state()}.
 *
 * <p>Safety does not rest on this sequence: every write of the mounted filesystem goes through the
 * replicated volume, which refuses writes once this node is no longer the witness's primary, so the
 * peer never mounts a volume that this node can still change.
 */
final class WorkloadSequence implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WorkloadSequence.class);
  static final Duration ATTACH_TIMEOUT = Duration.ofSeconds(30);
  static final Duration FS_TIMEOUT = Duration.ofMinutes(5);

  private final ReplicatedVolume volume;
  private final Filesystem fs;
  private final AttachBackend backend;
  private final Path stateDir;
  private final HookRunner hooks;
  private final Duration hookTimeout;
  private final Tags tags;
  private final String logPrefix;
  private final ExecutorService serial;
  private final List<Gauge> gauges = new ArrayList<>();
  private volatile Runnable releaseVip = () -> {};
  private volatile Runnable takeVip = () -> {};

  // Touched on the serial thread only.
  private UnixNbdServer server;
  private Attachment attachment;
  private boolean mounted;

  private volatile boolean ready;
  private volatile boolean alarm;
  private volatile String state = "stopped";

  WorkloadSequence(
      ReplicatedVolume volume,
      Filesystem fs,
      AttachBackend backend,
      Path stateDir,
      HookRunner hooks,
      Duration hookTimeout,
      Tags tags,
      String logPrefix) {
    this.volume = volume;
    this.fs = fs;
    this.backend = backend;
    this.stateDir = stateDir;
    this.hooks = hooks;
    this.hookTimeout = hookTimeout;
    this.tags = tags;
    this.logPrefix = logPrefix;
    this.serial = Executors.newSingleThreadExecutor(Daemons.named("workload-" + volume.name()));
    gauges.add(
        Gauge.builder("hapair.workload.ready", () -> ready ? 1 : 0)
            .description("1 while the group's filesystem is mounted and its start hooks have run")
            .tags(tags)
            .register(Metrics.globalRegistry));
    gauges.add(
        Gauge.builder("hapair.workload.alarm", () -> alarm ? 1 : 0)
            .description(
                "1 while a filesystem step failed and needs a person (e.g. a busy unmount)")
            .tags(tags)
            .register(Metrics.globalRegistry));
    gauges.add(
        Gauge.builder("hapair.attach.backend", () -> 1)
            .description("The attach backend this node uses for the group's filesystem")
            .tags(tags.and("backend", backend.name()))
            .register(Metrics.globalRegistry));
  }

  /** The virtual IP's pass: {@code release} runs it and waits, {@code take} asks for it. */
  void onVip(Runnable release, Runnable take) {
    this.releaseVip = release;
    this.takeVip = take;
  }

  /** Whether the virtual IP may be up: the filesystem is mounted and the start hooks ran. */
  boolean ready() {
    return ready;
  }

  boolean alarm() {
    return alarm;
  }

  /** One line for status: what is mounted where, or why not. */
  String state() {
    return state;
  }

  String backend() {
    return backend.name();
  }

  /** This node became primary: bring the filesystem and the service up, off the caller's thread. */
  void promoted() {
    serial.execute(this::start);
  }

  /** This node stopped being primary (fenced, demoted): take everything down. */
  void demoted(String why) {
    serial.execute(
        () -> {
          try {
            stop("demoted: " + why);
          } catch (IOException e) {
            // stop() alarmed and logged; the volume already refuses writes from this node.
          }
        });
  }

  /**
   * Before a planned handover: take the service down and unmount, completing exceptionally (and
   * alarming) when that fails, so the node keeps its role rather than hand over under a mount.
   */
  CompletableFuture<Void> releaseForHandover() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            stop("handover");
          } catch (IOException e) {
            throw new IllegalStateException(
                logPrefix + ": keeping the primary role: " + e.getMessage(), e);
          }
        },
        serial);
  }

  /** A handover that did not happen: still primary, so bring the service back. */
  void resume() {
    serial.execute(this::start);
  }

  private void start() {
    if (ready || volume.role() != Role.PRIMARY) {
      return;
    }
    if (mounted && attachment != null) {
      resumeMounted();
      return;
    }
    List<String> timeline = new ArrayList<>();
    long begun = System.nanoTime();
    String step = "check";
    try {
      fs.checkMountPath();
      step = "attach";
      long t = System.nanoTime();
      server =
          new UnixNbdServer(volume, stateDir.resolve(volume.name() + ".nbd.sock"), tags, logPrefix);
      attachment =
          backend.attach(server.path(), volume.name(), volume.size(), stateDir, ATTACH_TIMEOUT);
      timeline.add(timed(step, t) + " (" + backend.name() + ", " + attachment.device() + ")");
      step = "probe";
      t = System.nanoTime();
      boolean formatted = fs.findOrFormat(attachment.device());
      timeline.add(timed(formatted ? "format" : "probe", t));
      step = "fsck";
      t = System.nanoTime();
      fs.check(attachment.device());
      timeline.add(timed(step, t));
      step = "mount";
      t = System.nanoTime();
      fs.mount(attachment.device());
      mounted = true;
      timeline.add(timed(step, t) + " (" + fs.plan().mountPath() + ")");
      step = "hooks";
      t = System.nanoTime();
      hooks.becamePrimary().get(hookTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
      timeline.add(timed(step, t));
      alarm = false;
      ready = true;
      state = mountedState();
      log.info(
          "{}: workload up in {} ms: {}; taking the virtual IP",
          logPrefix,
          (System.nanoTime() - begun) / 1_000_000,
          String.join(", ", timeline));
      takeVip.run();
    } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
      String reason = e instanceof FilesystemException f ? f.reason() : step + "Failed";
      undoStart();
      failed(step, reason, e, "not started");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String mountedState() {
    return "mounted "
        + fs.plan().mountPath()
        + " ("
        + fs.plan().type()
        + " on "
        + attachment.device()
        + " via "
        + backend.name()
        + ")";
  }

  /**
   * Still primary after a stop that failed at the unmount (a refused handover): the filesystem is
   * still ours, so the service comes back; the alarm stays until a stop succeeds.
   */
  private void resumeMounted() {
    String refused = state;
    try {
      hooks.becamePrimary().get(hookTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{}: start hook did not finish: {}", logPrefix, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    ready = true;
    state = mountedState() + "; alarm: " + refused;
    log.warn("{}: still primary, service resumed on the mounted filesystem", logPrefix);
    takeVip.run();
  }

  /**
   * @param consequence what it means for the group: "not started", "still mounted"
   */
  private void failed(String step, String reason, Exception e, String consequence) {
    alarm = true;
    state = consequence + ": " + reason + ": " + e.getMessage();
    Counter.builder("hapair.workload.failures")
        .description("Filesystem steps that failed, by step and reason")
        .tags(tags.and("step", step, "reason", reason))
        .register(Metrics.globalRegistry)
        .increment();
    log.error(
        "{}: {} failed ({}): {}; {} on this node",
        logPrefix,
        step,
        reason,
        e.getMessage(),
        consequence.equals("not started") ? "the group does not start" : "the filesystem stays");
  }

  /** After a failed start: release what the start took, nothing more (never formats). */
  private void undoStart() {
    try {
      if (mounted) {
        fs.unmount();
        mounted = false;
      }
      detach();
    } catch (IOException e) {
      log.error("{}: cleaning up after a failed start failed: {}", logPrefix, e.getMessage());
    }
  }

  private void stop(String why) throws IOException {
    boolean wasReady = ready;
    ready = false;
    if (!wasReady && !mounted && attachment == null && server == null) {
      return;
    }
    long begun = System.nanoTime();
    List<String> timeline = new ArrayList<>();
    long t = System.nanoTime();
    releaseVip.run();
    timeline.add(timed("vip", t));
    if (wasReady) {
      t = System.nanoTime();
      try {
        hooks.becameSecondary().get(hookTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("{}: stop hook did not finish: {}", logPrefix, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      timeline.add(timed("hooks", t));
    }
    t = System.nanoTime();
    try {
      fs.unmount();
    } catch (IOException e) {
      failed(
          "unmount",
          e instanceof FilesystemException f ? f.reason() : "UnmountFailed",
          e,
          "still mounted");
      throw e;
    }
    mounted = false;
    timeline.add(timed("unmount", t));
    t = System.nanoTime();
    detach();
    timeline.add(timed("detach", t));
    state = "stopped";
    log.info(
        "{}: workload down in {} ms ({}): {}",
        logPrefix,
        (System.nanoTime() - begun) / 1_000_000,
        why,
        String.join(", ", timeline));
  }

  private void detach() throws IOException {
    try {
      if (attachment != null) {
        attachment.detach();
        attachment = null;
      }
    } finally {
      if (server != null) {
        server.close();
        server = null;
      }
    }
  }

  private String timed(String step, long startedNanos) {
    long nanos = System.nanoTime() - startedNanos;
    Timer.builder("hapair.workload.step")
        .description("How long each filesystem step took")
        .tags(tags.and("step", step))
        .register(Metrics.globalRegistry)
        .record(nanos, TimeUnit.NANOSECONDS);
    return step + " " + nanos / 1_000_000 + " ms";
  }

  /** Agent shutdown: the service, the mount and the attachment go before the volume closes. */
  @Override
  public void close() {
    try {
      serial
          .submit(
              () -> {
                try {
                  stop("agent stopping");
                } catch (IOException e) {
                  // logged and alarmed by stop()
                }
              })
          .get(hookTimeout.toMillis() + FS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.error("{}: stopping the workload failed: {}", logPrefix, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    serial.shutdownNow();
    gauges.forEach(Metrics.globalRegistry::remove);
  }
}
