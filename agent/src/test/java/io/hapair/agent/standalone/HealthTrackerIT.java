package io.hapair.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.agent.witness.InMemoryArbiter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking: a primary whose health check keeps failing, or whose VIP interface loses its link,
 * hands the role to its in-sync peer; the failover budget stops a ping-pong when both are sick.
 */
class HealthTrackerIT {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir Path dir;
  final InMemoryArbiter witness = new InMemoryArbiter("hc", Set.of("node-a", "node-b"));
  NodeRunner a;
  NodeRunner b;
  int replicationPort;
  int exportPort;

  @AfterEach
  void stop() {
    for (NodeRunner r : new NodeRunner[] {a, b}) {
      if (r != null) {
        r.close();
      }
    }
  }

  private NodeRunner run(String node, int maxFailovers) throws Exception {
    Path file = dir.resolve(node + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "pair: hc",
            "node: " + node,
            "stateDir: " + dir.resolve("state-" + node),
            "keyFile: " + dir.resolve("pair.key"),
            "witness: 127.0.0.1:1",
            "metrics: \"off\"",
            "spec:",
            "  nodes:",
            "    - {name: node-a, address: 127.0.0.2, disk: " + dir.resolve("a.img") + "}",
            "    - {name: node-b, address: 127.0.0.3, disk: " + dir.resolve("b.img") + "}",
            "  volume: {disk: unused, port: " + replicationPort + "}",
            "  export: {bind: Loopback, tls: Disabled, port: " + exportPort + "}",
            "  preferredPrimary: node-a",
            "  failover:",
            "    heartbeatInterval: 100ms",
            "    missedHeartbeats: 5",
            "    maxAutomaticFailovers: " + maxFailovers,
            "    healthCheck:",
            "      command: test ! -e " + dir.resolve("sick-" + node),
            "      interval: 200ms",
            "      timeout: 1s",
            "      failures: 2",
            ""));
    return NodeRunner.start(ConfigLoader.load(file), (group, volume, seen) -> witness);
  }

  private void prepare() throws IOException {
    Files.write(dir.resolve("pair.key"), "tracking test pair key 0123456789".getBytes());
    for (String disk : new String[] {"a.img", "b.img"}) {
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve(disk).toFile(), "rw")) {
        f.setLength(16L << 20);
      }
    }
    replicationPort = freePort();
    exportPort = freePort();
  }

  private static ReplicatedVolume volume(NodeRunner runner) {
    return runner.volumes().get(0);
  }

  private void startInSync(int maxFailovers) throws Exception {
    prepare();
    a = run("node-a", maxFailovers);
    b = run("node-b", maxFailovers);
    await()
        .atMost(T)
        .until(
            () ->
                volume(a).role() == Role.PRIMARY
                    && volume(a).peerState() == ReplicatedVolume.PeerState.CONNECTED);
  }

  @Test
  void aFailingHealthCheckHandsTheRoleToTheHealthyPeer() throws Exception {
    startInSync(3);
    Files.createFile(dir.resolve("sick-node-a"));

    await().atMost(T).until(() -> volume(b).role() == Role.PRIMARY);
    assertThat(volume(a).role()).isEqualTo(Role.SECONDARY);
    assertThat(witness.snapshot().primary()).isEqualTo("node-b");
    assertThat(witness.snapshot().epoch()).isEqualTo(2);
  }

  @Test
  void whenBothAreSickTheBudgetEndsThePingPong() throws Exception {
    startInSync(1);
    Files.createFile(dir.resolve("sick-node-a"));
    Files.createFile(dir.resolve("sick-node-b"));

    // node-a hands over (its one change), node-b hands back (its one), then nothing moves.
    await().atMost(T).until(() -> witness.snapshot().epoch() == 3);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(T)
        .until(() -> witness.snapshot().epoch() == 3 && volume(a).role() == Role.PRIMARY);
  }

  @Test
  void aPrimaryWhoseInterfaceLostItsLinkHandsOver() throws Exception {
    startInSync(3);
    Path sys = dir.resolve("sys-class-net");
    Files.createDirectories(sys.resolve("eth9"));
    Files.writeString(sys.resolve("eth9/operstate"), "up\n");
    try (HealthTracker tracker =
        new HealthTracker(Map.of(volume(a), Set.of("eth9")), null, sys, "test").start()) {
      await().during(Duration.ofSeconds(2)).atMost(T).until(() -> volume(a).role() == Role.PRIMARY);
      Files.writeString(sys.resolve("eth9/operstate"), "down\n");
      await().atMost(T).until(() -> volume(b).role() == Role.PRIMARY);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
