package io.hapair.agent.standalone;

import io.hapair.agent.attach.AttachBackend;
import io.hapair.agent.attach.AttachBackends;
import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.fs.Filesystem;
import io.hapair.agent.fs.FilesystemPlan;
import io.hapair.agent.fs.Mounts;
import io.hapair.agent.hooks.HookRunner;
import io.hapair.agent.meta.Role;
import io.hapair.agent.tls.TlsContexts;
import io.hapair.agent.vip.IpCommands;
import io.hapair.agent.vip.VipManager;
import io.hapair.agent.volume.PairLabels;
import io.hapair.agent.volume.PeerConnector;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.agent.volume.VolumeConfig;
import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.RemoteArbiter;
import io.hapair.agent.witness.SoloArbiter;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.api.spec.Cidr;
import io.hapair.api.spec.Durations;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.spec.HostPorts;
import io.hapair.api.spec.IpAddresses;
import io.hapair.api.spec.Quantities;
import io.hapair.api.v1alpha1.ExportSpec;
import io.hapair.api.v1alpha1.FailoverSpec;
import io.hapair.api.v1alpha1.GarpSpec;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HealthCheckSpec;
import io.hapair.api.v1alpha1.HooksSpec;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.VerifyAlgorithm;
import io.hapair.api.v1alpha1.VirtualIP;
import io.hapair.api.v1alpha1.VolumeSpec;
import io.hapair.common.Daemons;
import io.hapair.common.MetricsServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs this node's part of every service group of a standalone config. */
public final class NodeRunner implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(NodeRunner.class);

  private final List<Closeable> open = new ArrayList<>();
  private final List<ReplicatedVolume> volumes = new ArrayList<>();
  private final Map<ReplicatedVolume, WorkloadSequence> workloads = new ConcurrentHashMap<>();
  private final WitnessSource witnesses;
  // Automatic failover needs a witness; maintenance turns it off on top of that.
  private boolean witnessed;
  private volatile boolean ready;

  /** Where a group's witness record is kept. */
  @FunctionalInterface
  public interface WitnessSource {
    /**
     * @param highestEpochSeen this node's highest epoch, known once the volume is open
     */
    Arbiter forGroup(GroupSpec group, VolumeConfig volume, LongSupplier highestEpochSeen)
        throws ConfigException;
  }

  /** What the peer last reported about itself, where such reports exist (Kubernetes mode). */
  @FunctionalInterface
  public interface PeerReports {
    PeerReports NONE = (peer, group) -> 0;

    /** The highest epoch {@code peer} last reported having seen in {@code group}, 0 if unknown. */
    long highestEpochSeen(String peer, String group);
  }

  private final PeerReports peerReports;
  private final Map<String, PeerConfirmedLead> pendingLeads = new ConcurrentHashMap<>();

  private NodeRunner(WitnessSource witnesses, PeerReports peerReports) {
    this.witnesses = witnesses;
    this.peerReports = peerReports;
  }

  /** Standalone mode: the witness named in the config file, or none. */
  public static NodeRunner start(StandaloneConfig config) throws ConfigException, IOException {
    return start(config, (group, volume, seen) -> arbiterFor(config, group, volume, seen));
  }

  public static NodeRunner start(StandaloneConfig config, WitnessSource witnesses)
      throws ConfigException, IOException {
    return start(config, witnesses, PeerReports.NONE);
  }

  public static NodeRunner start(
      StandaloneConfig config, WitnessSource witnesses, PeerReports peerReports)
      throws ConfigException, IOException {
    NodeTrust.checkCommands(config);
    NodeRunner runner = new NodeRunner(witnesses, peerReports);
    runner.witnessed = !"none".equals(config.witness);
    try {
      if (!"off".equals(config.metrics)) {
        runner.open.add(new MetricsServer(HostPorts.parse(config.metrics), () -> runner.ready));
      }
      for (GroupSpec group : GroupSpec.of(config.pair, config.spec)) {
        runner.startGroup(config, group);
      }
      runner.applyLive(config.spec, config.pair);
      runner.startTracking(config);
      runner.failbackTimer.scheduleWithFixedDelay(
          runner::failBack,
          FAILBACK_CHECK.toMillis(),
          FAILBACK_CHECK.toMillis(),
          TimeUnit.MILLISECONDS);
      runner.ready = true;
    } catch (ConfigException | IOException | RuntimeException e) {
      runner.close();
      throw e;
    }
    return runner;
  }

  private static String heartbeatAddress(PairNode node) {
    return node.getHeartbeatAddress() != null ? node.getHeartbeatAddress() : node.getAddress();
  }

  /** This node's volume of {@code group}, as the config describes it. */
  static VolumeConfig volumeConfig(StandaloneConfig config, GroupSpec group)
      throws ConfigException, IOException {
    PairNode me = nodeNamed(config, config.node);
    PairNode peer = config.spec.getNodes().stream().filter(n -> n != me).findFirst().orElseThrow();
    VolumeSpec volume = group.volume();
    if (volume == null) {
      throw new ConfigException(group.fieldPath() + ".volume: required");
    }
    int port = volume.getPort() == null ? 7788 : volume.getPort();
    FailoverSpec failover =
        config.spec.getFailover() == null ? new FailoverSpec() : config.spec.getFailover();
    Duration heartbeat =
        Durations.parse(
            failover.getHeartbeatInterval() == null ? "100ms" : failover.getHeartbeatInterval());
    int missed = failover.getMissedHeartbeats() == null ? 5 : failover.getMissedHeartbeats();
    Path disk = NodeTrust.disk(config, group, me);
    byte[] key = config.keyFile == null ? null : Files.readAllBytes(Path.of(config.keyFile));
    return new VolumeConfig(
        config.uid(),
        new PairLabels(config.namespace, config.pair),
        group.name(),
        me.getName(),
        peer.getName(),
        new InetSocketAddress(IpAddresses.parse(me.getAddress()), port),
        new InetSocketAddress(IpAddresses.parse(peer.getAddress()), port),
        new InetSocketAddress(IpAddresses.parse(heartbeatAddress(me)), port),
        new InetSocketAddress(IpAddresses.parse(heartbeatAddress(peer)), port),
        disk,
        Path.of(config.stateDir).resolve(group.name() + ".meta"),
        volume.getProtocol() == null ? VolumeSpec.Protocol.C : volume.getProtocol(),
        4096,
        Quantities.parseBytes(volume.getResyncRate() == null ? "100Mi" : volume.getResyncRate()),
        heartbeat,
        heartbeat.multipliedBy(missed),
        Duration.ofSeconds(6),
        volume.getInitialSyncSource(),
        volume.getVerifyAlgorithm() == null ? VerifyAlgorithm.CRC32C : volume.getVerifyAlgorithm(),
        config.spec.getSplitBrain() == null
            ? HAPairSpec.SplitBrainPolicy.Manual
            : config.spec.getSplitBrain(),
        !"none".equals(config.witness) && !Boolean.TRUE.equals(config.spec.getMaintenance()),
        key);
  }

  /**
   * Forced promotion while the agent is stopped (see {@link ReplicatedVolume#forcePromote}): opens
   * the group's volume, asks the witness, and leaves the node recorded as primary; the agent
   * started afterwards leads. Returns the epoch.
   */
  public static long forcePromote(
      StandaloneConfig config, String groupName, String loseWritesOf, long sinceEpoch)
      throws Exception {
    GroupSpec group =
        GroupSpec.of(config.pair, config.spec).stream()
            .filter(g -> groupName == null || g.name().equals(groupName))
            .findFirst()
            .orElseThrow(() -> new ConfigException("no service group " + groupName));
    VolumeConfig vc = volumeConfig(config, group);
    try (FileBlockStore store = FileBlockStore.open(vc.disk())) {
      var opened = new AtomicReference<ReplicatedVolume>();
      Arbiter witness = arbiterFor(config, group, vc, () -> opened.get().metadata().highestEpoch());
      ReplicatedVolume volume = ReplicatedVolume.open(vc, store, witness);
      opened.set(volume);
      try {
        long epoch = volume.forcePromote(loseWritesOf, sinceEpoch).get(30, TimeUnit.SECONDS);
        ForcedPromotionMark.write(Path.of(config.stateDir), group.name(), epoch);
        return epoch;
      } finally {
        volume.close();
      }
    }
  }

  private void startGroup(StandaloneConfig config, GroupSpec group)
      throws ConfigException, IOException {
    PairNode me = nodeNamed(config, config.node);
    VolumeConfig vc = volumeConfig(config, group);
    Path disk = vc.disk();
    Files.createDirectories(Path.of(config.stateDir));
    FileBlockStore store = FileBlockStore.open(disk);
    open.add(store);
    // The witness-none record starts at the highest epoch this node has seen (known once open).
    var opened = new AtomicReference<ReplicatedVolume>();
    Arbiter witness = witnesses.forGroup(group, vc, () -> opened.get().metadata().highestEpoch());
    ReplicatedVolume replicated = ReplicatedVolume.open(vc, store, witness);
    opened.set(replicated);
    volumes.add(replicated);
    var vipManager = new AtomicReference<VipManager>();
    HookRunner hooks = hooksOf(config, group, vc);
    open.add(hooks);
    WorkloadSequence workload = workloadOf(config, group, vc, replicated, hooks);
    replicated.onTransitions(
        new ReplicatedVolume.TransitionListener() {
          @Override
          public void becamePrimary(long epoch) {
            if (workload != null) {
              workload.promoted(); // the virtual IP follows once the filesystem is mounted
              return;
            }
            kickVip(vipManager.get());
            hooks.becamePrimary();
          }

          @Override
          public void becameSecondary(String why) {
            kickVip(vipManager.get());
            if (workload != null) {
              workload.demoted(why);
              return;
            }
            hooks.becameSecondary();
          }

          @Override
          public void fault(String why) {
            hooks.fault();
          }
        });
    open.add(0, replicated);
    open.add(0, new PeerConnector(replicated));
    String preferred =
        group.preferredNode() != null
            ? group.preferredNode()
            : config.spec.getNodes().get(0).getName();
    // A filesystem's volume is not exported as well: two users of one block device corrupt it.
    Consumer<Boolean> export = holding -> {};
    if (workload == null) {
      RoleFollowingExport nbd = exportOf(config, vc, group, replicated);
      open.add(0, nbd);
      export = nbd;
    }
    BooleanSupplier mayHoldVip =
        workload == null ? replicated::mayServe : () -> replicated.mayServe() && workload.ready();
    VipManager vips =
        new VipManager(
            virtualIps(group),
            new IpCommands(),
            mayHoldVip,
            export,
            VIP_LIFETIME_SECONDS,
            vc.meterTags(),
            vc.logPrefix());
    vipManager.set(vips);
    open.add(0, vips);
    if (workload != null) {
      workload.onVip(() -> vips.settle(Duration.ofSeconds(5)), vips::kick);
      workloads.put(replicated, workload);
      open.add(0, workload); // closes first: service, mount and device go before the volume
    }
    boolean preferredHere = preferred.equals(me.getName());
    WitnessRecord record = readRecord(witness, vc);
    // witness none: nobody else ever promotes automatically, so the preferred node leads.
    StartRole start =
        witnessed
            ? StartRole.decide(
                record,
                vc.node(),
                preferredHere,
                replicated.metadata().highestEpoch(),
                peerReports.highestEpochSeen(vc.peerNode(), vc.group()),
                ForcedPromotionMark.take(Path.of(config.stateDir), group.name()))
            : new StartRole(
                preferredHere ? StartRole.Kind.LEAD : StartRole.Kind.FOLLOW, "witness none");
    switch (start.kind()) {
      case LEAD -> {
        try {
          replicated.promote().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IOException(
              vc.logPrefix() + ": could not become primary: " + e.getMessage(), e);
        }
      }
      case LEAD_WHEN_PEER_AGREES -> {
        PeerConfirmedLead lead = new PeerConfirmedLead(replicated, witness, record).start();
        open.add(0, lead);
        pendingLeads.put(vc.group(), lead);
      }
      case DISTRUST -> replicated.stopAutomation(start.reason());
      case FOLLOW -> {}
    }
    log.info(
        "{}: running ({}, protocol {}): {}",
        vc.logPrefix(),
        replicated.role() == Role.PRIMARY ? "primary" : "secondary",
        vc.protocol(),
        start.reason());
  }

  /** How long a starting node keeps asking a witness that does not answer yet. */
  private static final Duration START_READ_PATIENCE = Duration.ofSeconds(60);

  /**
   * The witness record, read before the node takes any role. A witness that starts at the same time
   * as the agents (or answers late under load) is asked again with growing pauses: the node serves
   * nothing meanwhile, so waiting is safe, and giving up at the first timeout would stop the agent
   * for good.
   */
  private static WitnessRecord readRecord(Arbiter witness, VolumeConfig vc) throws IOException {
    long deadline = System.nanoTime() + START_READ_PATIENCE.toNanos();
    long pauseMillis = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        return witness.read().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(vc.logPrefix() + ": interrupted reading the witness record", e);
      } catch (Exception e) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMillis) - deadline > 0) {
          throw new IOException(
              vc.logPrefix()
                  + ": could not read the witness record in "
                  + START_READ_PATIENCE.toSeconds()
                  + " s ("
                  + attempt
                  + " attempts): "
                  + e.getMessage(),
              e);
        }
        log.warn(
            "{}: witness record not read yet (attempt {}): {}; asking again in {} ms",
            vc.logPrefix(),
            attempt,
            e.getMessage(),
            pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException(vc.logPrefix() + ": interrupted reading the witness record", e);
        }
        pauseMillis = Math.min(2000, pauseMillis * 2);
      }
    }
  }

  /**
   * A person's statement that the peer has seen nothing after {@code sinceEpoch}, for a group that
   * waits for its peer before leading (see {@link PeerConfirmedLead#confirm}).
   *
   * @return null if that group now leads; otherwise why not (also when it does not wait)
   */
  public String confirmLead(String group, String loseWritesOf, long sinceEpoch) {
    PeerConfirmedLead lead = pendingLeads.get(group);
    return lead == null || !lead.waiting()
        ? "not waiting for the peer"
        : lead.confirm(loseWritesOf, sinceEpoch);
  }

  /** Whether {@code group} waits for its peer before it leads. */
  public boolean waitsForPeer(String group) {
    PeerConfirmedLead lead = pendingLeads.get(group);
    return lead != null && lead.waiting();
  }

  /** The group's filesystem sequence, or null when the group declares no filesystem. */
  private static WorkloadSequence workloadOf(
      StandaloneConfig config,
      GroupSpec group,
      VolumeConfig vc,
      ReplicatedVolume volume,
      HookRunner hooks)
      throws ConfigException {
    if (group.filesystem() == null) {
      return null;
    }
    FilesystemPlan plan;
    try {
      plan = FilesystemPlan.of(group.fieldPath() + ".filesystem", group.filesystem());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    AttachBackends.Choice choice = AttachBackends.choose(AttachBackends.preferred());
    if (choice.backend().isEmpty()) {
      throw new ConfigException(
          group.fieldPath()
              + ".filesystem: no attach backend on this host ("
              + String.join("; ", choice.skipped())
              + ")");
    }
    AttachBackend backend = choice.backend().get();
    log.info(
        "{}: filesystem {} on {} through attach backend {}{}",
        vc.logPrefix(),
        plan.type(),
        plan.mountPath(),
        backend.name(),
        choice.skipped().isEmpty() ? "" : " (not " + String.join("; ", choice.skipped()) + ")");
    HooksSpec spec = config.spec.getHooks() == null ? new HooksSpec() : config.spec.getHooks();
    return new WorkloadSequence(
        volume,
        new Filesystem(plan, new Mounts(), WorkloadSequence.FS_TIMEOUT),
        backend,
        attachDir(config),
        hooks,
        Durations.parse(spec.getTimeout() == null ? "30s" : spec.getTimeout()),
        vc.meterTags(),
        vc.logPrefix());
  }

  /** Root's alone: the local NBD socket (served without TLS) and the FUSE files live there. */
  private static Path attachDir(StandaloneConfig config) throws ConfigException {
    Path dir = Path.of(config.stateDir).resolve("attach");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new ConfigException("stateDir: cannot prepare " + dir + ": " + e.getMessage());
    }
    return dir;
  }

  private static void kickVip(VipManager vips) {
    if (vips != null) {
      vips.kick();
    }
  }

  private static HookRunner hooksOf(StandaloneConfig config, GroupSpec group, VolumeConfig vc) {
    HooksSpec spec = config.spec.getHooks() == null ? new HooksSpec() : config.spec.getHooks();
    return new HookRunner(
        new HookRunner.Hooks(
            spec.getOnPrimary(),
            spec.getOnSecondary(),
            spec.getOnFault(),
            Durations.parse(spec.getTimeout() == null ? "30s" : spec.getTimeout())),
        group.name(),
        vc.meterTags(),
        vc.logPrefix());
  }

  private static Arbiter arbiterFor(
      StandaloneConfig config, GroupSpec group, VolumeConfig vc, LongSupplier seen) {
    Set<String> nodes = Set.of(vc.node(), vc.peerNode());
    if ("none".equals(config.witness)) {
      return new SoloArbiter(config.uid(), nodes, seen);
    }
    InetSocketAddress address = HostPorts.parse(config.witness);
    // A new pair's record: the initial sync source alone is current, else both blank disks are.
    String source = vc.initialSyncSource();
    WitnessRecord initial =
        new WitnessRecord(config.uid(), 0, "", source == null ? nodes : Set.of(source), "");
    return new RemoteArbiter(
        address, group.name(), initial, vc.pairKey(), Durations.parse(config.witnessTimeout));
  }

  /** How long a virtual IP outlives its last renewal when the agent dies. */
  static final int VIP_LIFETIME_SECONDS = 2;

  private static List<VipManager.Vip> virtualIps(GroupSpec group) throws ConfigException {
    List<VipManager.Vip> vips = new ArrayList<>();
    for (int i = 0; i < group.virtualIPs().size(); i++) {
      VirtualIP vip = group.virtualIPs().get(i);
      GarpSpec garp = vip.getGarp() == null ? new GarpSpec() : vip.getGarp();
      Cidr address = Cidr.parse(vip.getAddress());
      VipManager.Vmac vmac = null;
      if (vip.getMac() == VirtualIP.MacMode.VMAC) {
        if (vip.getVrid() == null) {
          throw new ConfigException(
              group.fieldPath() + ".virtualIPs[" + i + "].vrid: required with mac: vmac (1-255)");
        }
        vmac = VipManager.Vmac.of(vip.getVrid(), !address.isIpv4());
      }
      vips.add(
          new VipManager.Vip(
              vip.getIface(),
              address,
              garp.getCount() == null ? 5 : garp.getCount(),
              Durations.parse(garp.getInterval() == null ? "100ms" : garp.getInterval()),
              Durations.parse(garp.getRefresh() == null ? "10s" : garp.getRefresh()),
              vmac));
    }
    return vips;
  }

  private static RoleFollowingExport exportOf(
      StandaloneConfig config, VolumeConfig vc, GroupSpec group, ReplicatedVolume volume)
      throws ConfigException, IOException {
    ExportSpec export = group.export() == null ? new ExportSpec() : group.export();
    int port = export.getPort() == null ? 10809 : export.getPort();
    boolean onVip = export.getBind() != ExportSpec.Bind.Loopback;
    if (onVip && group.virtualIPs().isEmpty()) {
      throw new ConfigException(
          group.fieldPath() + ".virtualIPs: required while the export binds to the virtual IP");
    }
    SSLContext tls = null;
    if (export.getTls() != ExportSpec.Tls.Disabled) {
      if (config.tlsDir == null) {
        throw new ConfigException(
            "tlsDir: required while "
                + group.fieldPath()
                + ".export.tls is Required (create the files with: hapair-agent certs)");
      }
      tls = TlsContexts.server(Path.of(config.tlsDir), vc.logPrefix());
    }
    InetSocketAddress bind =
        onVip
            ? new InetSocketAddress(
                Cidr.parse(group.virtualIPs().get(0).getAddress()).address(), port)
            : new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    return new RoleFollowingExport(volume, bind, tls, vc.logPrefix());
  }

  private static PairNode nodeNamed(StandaloneConfig config, String name) {
    return config.spec.getNodes().stream()
        .filter(n -> name.equals(n.getName()))
        .findFirst()
        .orElseThrow();
  }

  /** How often failback looks at the groups; a peer must be in sync on two looks in a row. */
  static final Duration FAILBACK_CHECK = Duration.ofSeconds(2);

  private final Map<String, String> preferredNodes = new ConcurrentHashMap<>();
  private final Set<String> inSyncLastLook = ConcurrentHashMap.newKeySet();
  private volatile boolean failbackPreferred;
  private final ScheduledExecutorService failbackTimer =
      Executors.newSingleThreadScheduledExecutor(Daemons.named("failback"));

  /**
   * The settings a running pair takes without a restart: maintenance, each group's preferred node
   * and the failback policy (with {@code Preferred}, a changed preferred node is a switchover).
   */
  public void applyLive(HAPairSpec spec, String pairName) {
    setMaintenance(Boolean.TRUE.equals(spec.getMaintenance()));
    failbackPreferred = spec.getFailback() == HAPairSpec.Failback.Preferred;
    for (GroupSpec group : GroupSpec.of(pairName, spec)) {
      preferredNodes.put(
          group.name(),
          group.preferredNode() != null ? group.preferredNode() : spec.getNodes().get(0).getName());
    }
  }

  /**
   * Switchover: every group this node leads whose peer is {@code target} hands its role over.
   * Completes, with how many groups were handed over, when all handovers have; groups already led
   * by the target are left alone.
   */
  public CompletableFuture<Integer> switchOverTo(String target) {
    List<CompletableFuture<Long>> handovers = new ArrayList<>();
    for (ReplicatedVolume v : volumes) {
      if (v.role() == Role.PRIMARY && target.equals(v.config().peerNode())) {
        handovers.add(handOver(v));
      }
    }
    return CompletableFuture.allOf(handovers.toArray(CompletableFuture[]::new))
        .thenApply(v -> handovers.size());
  }

  /**
   * A handover that takes a group's filesystem down first (hooks, unmount, detach): a failed
   * unmount keeps the role, and a handover that then fails brings the filesystem back.
   */
  private CompletableFuture<Long> handOver(ReplicatedVolume v) {
    WorkloadSequence workload = workloads.get(v);
    if (workload == null) {
      return v.handOver();
    }
    if (v.peerState() != ReplicatedVolume.PeerState.CONNECTED) {
      return v.handOver(); // refuses, with its reason, before anything is taken down
    }
    return workload
        .releaseForHandover()
        .thenCompose(released -> v.handOver())
        .whenComplete(
            (epoch, failure) -> {
              if (failure != null && v.role() == Role.PRIMARY) {
                workload.resume();
              }
            });
  }

  /** With failback Preferred: hand a group back to its preferred node once it is in sync. */
  private void failBack() {
    if (!failbackPreferred) {
      inSyncLastLook.clear();
      return;
    }
    for (ReplicatedVolume v : volumes) {
      String group = v.config().group();
      boolean candidate =
          v.role() == Role.PRIMARY
              && v.config().peerNode().equals(preferredNodes.get(group))
              && v.peerState() == ReplicatedVolume.PeerState.CONNECTED;
      if (!candidate) {
        inSyncLastLook.remove(group);
      } else if (!inSyncLastLook.add(group)) {
        inSyncLastLook.remove(group);
        log.info(
            "{}: failback: {} is preferred and in sync; handing over",
            v.config().logPrefix(),
            v.config().peerNode());
        handOver(v)
            .exceptionally(
                e -> {
                  log.warn(
                      "{}: failback did not happen: {}", v.config().logPrefix(), e.getMessage());
                  return null;
                });
      }
    }
  }

  /** The failover budget on every volume, and tracking of interfaces and the health check. */
  private void startTracking(StandaloneConfig config) {
    FailoverSpec failover =
        config.spec.getFailover() == null ? new FailoverSpec() : config.spec.getFailover();
    int max = failover.getMaxAutomaticFailovers() == null ? 3 : failover.getMaxAutomaticFailovers();
    Duration window =
        Durations.parse(
            failover.getFailoverWindow() == null ? "10m" : failover.getFailoverWindow());
    boolean trackInterface = !Boolean.FALSE.equals(failover.getTrackInterface());
    Map<ReplicatedVolume, Set<String>> interfaces = new LinkedHashMap<>();
    List<GroupSpec> groups = GroupSpec.of(config.pair, config.spec);
    for (int i = 0; i < volumes.size(); i++) {
      ReplicatedVolume volume = volumes.get(i);
      volume.setFailoverBudget(max, window);
      Set<String> tracked = new TreeSet<>();
      if (trackInterface) {
        groups.get(i).virtualIPs().forEach(vip -> tracked.add(vip.getIface()));
      }
      interfaces.put(volume, tracked);
    }
    HealthCheckSpec check = failover.getHealthCheck();
    open.add(
        0,
        new HealthTracker(
                interfaces,
                check == null
                    ? null
                    : new HealthTracker.Check(
                        check.getCommand(),
                        Durations.parse(check.getInterval() == null ? "5s" : check.getInterval()),
                        Durations.parse(check.getTimeout() == null ? "2s" : check.getTimeout()),
                        check.getFailures() == null ? 3 : check.getFailures()),
                Path.of("/sys/class/net"),
                "pair " + config.uid() + " node " + config.node)
            .start());
  }

  /** Maintenance on or off without a restart; with witness none it stays off. */
  public void setMaintenance(boolean maintenance) {
    volumes.forEach(v -> v.setAutomaticFailover(!maintenance && witnessed));
  }

  /** The filesystem sequence of {@code volume}'s group, or null when it declares none. */
  WorkloadSequence workload(ReplicatedVolume volume) {
    return workloads.get(volume);
  }

  /** The running groups' volumes, in the order of the spec. */
  public List<ReplicatedVolume> volumes() {
    return List.copyOf(volumes);
  }

  @Override
  public void close() {
    failbackTimer.shutdownNow();
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException | RuntimeException e) {
        log.warn("closing {} failed: {}", c, e.toString());
      }
    }
    open.clear();
    volumes.clear();
  }
}
