package io.hapair.agent.standalone;

import io.hapair.agent.meta.Role;
import io.hapair.agent.volume.ReplicatedVolume;
import io.hapair.agent.witness.InMemoryArbiter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Two in-process node runners of one pair on loopback addresses (node-a on 127.0.0.2, node-b on
 * 127.0.0.3, the NBD export on loopback), sharing one in-memory witness record.
 */
final class LoopbackPair implements AutoCloseable {
  final InMemoryArbiter witness;
  private final Path dir;
  private final String name;
  private final int replicationPort;
  private final int exportPort;
  NodeRunner a;
  NodeRunner b;

  /** Top-level lines added to every config written from now on (allowCommands, allowedDisks). */
  final List<String> settings = new ArrayList<>();

  LoopbackPair(Path dir, String name) throws IOException {
    this.dir = dir;
    this.name = name;
    this.witness = new InMemoryArbiter(name, Set.of("node-a", "node-b"));
    Files.write(dir.resolve("pair.key"), (name + " test pair key 0123456789").getBytes());
    for (String disk : new String[] {"a.img", "b.img"}) {
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve(disk).toFile(), "rw")) {
        f.setLength(16L << 20);
      }
    }
    replicationPort = freePort();
    exportPort = freePort();
  }

  /**
   * Starts {@code node} with the given extra lines under {@code spec:} (indented by two spaces).
   * The witness address in the file is a placeholder: the runners share the in-memory record.
   */
  NodeRunner run(String node, String... specLines) throws Exception {
    Path file = writeConfig(node, specLines);
    NodeRunner runner = NodeRunner.start(ConfigLoader.load(file), (group, volume, seen) -> witness);
    if (node.equals("node-a")) {
      a = runner;
    } else {
      b = runner;
    }
    return runner;
  }

  /** Writes {@code node}'s config file (see {@link #run}) without starting anything. */
  Path writeConfig(String node, String... specLines) throws IOException {
    StringBuilder yaml =
        new StringBuilder(
            String.join(
                "\n",
                "pair: " + name,
                "node: " + node,
                "stateDir: " + stateDir(node),
                "keyFile: " + dir.resolve("pair.key"),
                "witness: 127.0.0.1:1",
                "metrics: \"off\"",
                String.join("\n", settings),
                "spec:",
                "  nodes:",
                "    - {name: node-a, address: 127.0.0.2, disk: " + dir.resolve("a.img") + "}",
                "    - {name: node-b, address: 127.0.0.3, disk: " + dir.resolve("b.img") + "}",
                "  volume: {disk: unused, port: " + replicationPort + "}",
                "  export: {bind: Loopback, tls: Disabled, port: " + exportPort + "}",
                "  preferredPrimary: node-a",
                ""));
    for (String line : specLines) {
      yaml.append("  ").append(line).append('\n');
    }
    Path file = dir.resolve(node + ".yaml");
    Files.writeString(file, yaml.toString());
    return file;
  }

  Path stateDir(String node) {
    return dir.resolve("state-" + node);
  }

  static ReplicatedVolume volume(NodeRunner runner) {
    return runner.volumes().get(0);
  }

  /** Whether {@code runner} leads its group with the peer connected and in sync. */
  static boolean leadsInSync(NodeRunner runner) {
    return volume(runner).role() == Role.PRIMARY
        && volume(runner).peerState() == ReplicatedVolume.PeerState.CONNECTED;
  }

  @Override
  public void close() {
    for (NodeRunner r : new NodeRunner[] {a, b}) {
      if (r != null) {
        r.close();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
