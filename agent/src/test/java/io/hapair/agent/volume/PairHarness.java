package io.hapair.agent.volume;

import static org.awaitility.Awaitility.await;

import io.hapair.agent.disk.BlockStore;
import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.nbd.NbdServer;
import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.InMemoryArbiter;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.VerifyAlgorithm;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Two nodes of one pair in this JVM: real files as disks, real sockets on loopback, a witness
 * record in memory. Either node can be stopped cleanly, crashed, or started again from its files.
 */
final class PairHarness implements AutoCloseable {
  static final String PAIR = "pair-uid-1";
  static final PairLabels LABELS = new PairLabels("tenant", "db");
  static final long SIZE = 64L << 20;

  final Path dir;
  final Protocol protocol;
  final InMemoryArbiter arbiter;
  final byte[] key;
  final Node a;
  final Node b;
  long resyncRate = 0;
  String initialSyncSource;
  boolean autoFailover;

  /**
   * Whether the nodes also heartbeat over UDP. Off by default: most tests cut the link in-process,
   * which a UDP path on loopback would not notice.
   */
  boolean udpHeartbeat;

  int regionSize = 4096;
  HAPairSpec.SplitBrainPolicy splitBrain = HAPairSpec.SplitBrainPolicy.Manual;

  PairHarness(Path dir, Protocol protocol, byte[] key) throws IOException {
    this.dir = dir;
    this.protocol = protocol;
    this.key = key;
    this.arbiter = new InMemoryArbiter(PAIR, Set.of("node-a", "node-b"));
    int portA = freePort();
    int portB = freePort();
    this.a = new Node("node-a", "node-b", portA, portB);
    this.b = new Node("node-b", "node-a", portB, portA);
  }

  /** Starts both nodes and makes node-a primary with its export on loopback; waits for sync. */
  static PairHarness started(Path dir, Protocol protocol) throws Exception {
    PairHarness pair = new PairHarness(dir, protocol, "test pair key".getBytes());
    pair.startInSync(pair.arbiter, pair.arbiter);
    return pair;
  }

  /** Starts both nodes, each with its view of the witness; node-a primary; waits for sync. */
  void startInSync(Arbiter witnessOfA, Arbiter witnessOfB) throws Exception {
    a.start(witnessOfA);
    b.start(witnessOfB);
    a.promoteAndExport();
    awaitInSync(a);
  }

  void awaitInSync(Node primary) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> primary.volume.peerState() == ReplicatedVolume.PeerState.CONNECTED);
  }

  final class Node {
    final String name;
    final String peer;
    final int port;
    final int peerPort;
    final Path disk;
    final Path meta;
    BlockStore store;

    /** The disk as the volume sees it: the file, or a fault-injecting wrapper of it. */
    UnaryOperator<BlockStore> disks = UnaryOperator.identity();

    ReplicatedVolume volume;
    PeerConnector connector;
    NbdServer nbd;

    Node(String name, String peer, int port, int peerPort) throws IOException {
      this.name = name;
      this.peer = peer;
      this.port = port;
      this.peerPort = peerPort;
      this.disk = dir.resolve(name + ".img");
      this.meta = dir.resolve(name + ".meta");
      FileBlockStore.create(disk, SIZE).close();
    }

    VolumeConfig config() {
      InetAddress lo = InetAddress.getLoopbackAddress();
      return new VolumeConfig(
          PAIR,
          LABELS,
          "vol",
          name,
          peer,
          new InetSocketAddress(lo, port),
          new InetSocketAddress(lo, peerPort),
          udpHeartbeat ? new InetSocketAddress(lo, port) : null,
          udpHeartbeat ? new InetSocketAddress(lo, peerPort) : null,
          disk,
          meta,
          protocol,
          regionSize,
          resyncRate,
          Duration.ofMillis(100),
          Duration.ofMillis(1000),
          Duration.ofSeconds(5),
          null,
          VerifyAlgorithm.CRC32C,
          splitBrain,
          autoFailover,
          key);
    }

    void start(Arbiter witness) throws IOException {
      store = disks.apply(FileBlockStore.open(disk));
      volume = ReplicatedVolume.open(config(), store, witness);
      connector = new PeerConnector(volume);
    }

    void promoteAndExport() throws Exception {
      volume.promote().get();
      export();
    }

    /** Serves the volume over NBD on loopback (it answers only while primary). */
    void export() throws IOException {
      nbd =
          new NbdServer(
              volume,
              new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
              null,
              volume.config().meterTags(),
              name);
    }

    String uri() {
      return "nbd://127.0.0.1:" + nbd.port() + "/vol";
    }

    /** A clean stop: metadata written, files closed. */
    void stop() throws IOException {
      if (nbd != null) {
        nbd.close();
        nbd = null;
      }
      connector.close();
      volume.close();
      store.close();
    }

    /** As a crash: sockets and files go, nothing more is written. */
    void crash() throws IOException {
      if (nbd != null) {
        nbd.close();
        nbd = null;
      }
      connector.close();
      volume.abandon();
      store.close();
    }

    String sha256() {
      try {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(Files.readAllBytes(disk));
        return HexFormat.of().formatHex(digest.digest());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Node n : new Node[] {a, b}) {
      try {
        if (n.volume != null) {
          n.stop();
        }
      } catch (IOException | RuntimeException e) {
        // already stopped
      }
    }
  }
}
