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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failback: Preferred, with two in-process node runners on loopback addresses sharing one witness:
 * after a failover, the preferred node comes back as secondary, resyncs, and the role is handed
 * back to it; with Never, it stays where it is.
 */
class FailbackIT {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir Path dir;
  final InMemoryArbiter witness = new InMemoryArbiter("fb", Set.of("node-a", "node-b"));
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

  private NodeRunner run(String node, String failback) throws Exception {
    Path file = dir.resolve(node + "-" + failback + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "pair: fb",
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
            "  failback: " + failback,
            "  failover: {heartbeatInterval: 100ms, missedHeartbeats: 5}",
            ""));
    // The file's witness address is a placeholder: both runners use the same in-memory record.
    return NodeRunner.start(ConfigLoader.load(file), (group, volume, seen) -> witness);
  }

  private void prepare() throws IOException {
    Files.write(dir.resolve("pair.key"), "failback test pair key 0123456789".getBytes());
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

  private static boolean inSync(NodeRunner primary) {
    return volume(primary).role() == Role.PRIMARY
        && volume(primary).peerState() == ReplicatedVolume.PeerState.CONNECTED;
  }

  @Test
  void thePreferredNodeGetsTheRoleBackOnceInSync() throws Exception {
    prepare();
    a = run("node-a", "Preferred");
    b = run("node-b", "Preferred");
    await().atMost(T).until(() -> inSync(a));

    a.close(); // node-a goes away: node-b takes over
    a = null;
    await().atMost(T).until(() -> volume(b).role() == Role.PRIMARY);
    assertThat(witness.snapshot().epoch()).isEqualTo(2);

    a = run("node-a", "Preferred"); // back as secondary, resyncs, then gets the role back
    assertThat(volume(a).role()).isEqualTo(Role.SECONDARY);
    await().atMost(T).until(() -> volume(a).role() == Role.PRIMARY);
    assertThat(witness.snapshot().primary()).isEqualTo("node-a");
    assertThat(witness.snapshot().epoch()).isEqualTo(3);
    assertThat(volume(b).role()).isEqualTo(Role.SECONDARY);
  }

  @Test
  void withFailbackNeverTheSurvivorKeepsTheRole() throws Exception {
    prepare();
    a = run("node-a", "Never");
    b = run("node-b", "Never");
    await().atMost(T).until(() -> inSync(a));
    a.close();
    a = null;
    await().atMost(T).until(() -> volume(b).role() == Role.PRIMARY);

    a = run("node-a", "Never");
    await().atMost(T).until(() -> inSync(b));
    // Two failback looks in a row see node-a in sync; nothing moves.
    await()
        .during(NodeRunner.FAILBACK_CHECK.multipliedBy(3))
        .atMost(T)
        .until(() -> volume(b).role() == Role.PRIMARY && volume(a).role() == Role.SECONDARY);
    assertThat(witness.snapshot().epoch()).isEqualTo(2);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
