package io.hapair.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.Command;
import io.hapair.common.QemuIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone mode as users run it: the agent jar as processes from YAML files, with a witness
 * process, on loopback addresses. The primary's process is killed with SIGKILL and started again.
 */
class StandaloneIT {
  private static final Path JAR = Path.of("target/hapair-agent.jar");
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
  }

  private Process start(String name, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(List.of("java", "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private Path config(String node, int witnessPort, String... extraSpec) throws IOException {
    Path file = dir.resolve(node + ".yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "pair: demo",
            "node: " + node,
            "stateDir: " + dir.resolve("state-" + node),
            "keyFile: " + dir.resolve("pair.key"),
            "witness: 127.0.0.1:" + witnessPort,
            "metrics: \"off\"",
            "spec:",
            "  nodes:",
            "    - {name: node-a, address: 127.0.0.1, disk: " + dir.resolve("a.img") + "}",
            "    - {name: node-b, address: 127.0.0.2, disk: " + dir.resolve("b.img") + "}",
            "  volume: {disk: unused, port: 18788}",
            "  export: {bind: Loopback, tls: Disabled, port: 18789}",
            "  preferredPrimary: node-a",
            "  failover: {heartbeatInterval: 100ms, missedHeartbeats: 5}",
            ""));
    for (String line : extraSpec) {
      Files.writeString(file, "  " + line + "\n", StandardOpenOption.APPEND);
    }
    return file;
  }

  /** The pair key, both disks, the witness and both agents; returns once node-a serves in sync. */
  private Process[] startInSync(int witnessPort, String... extraSpecOfB) throws Exception {
    Files.write(dir.resolve("pair.key"), "standalone test pair key 0123456789".getBytes());
    Command.run(
            T,
            "truncate",
            "-s",
            "64M",
            dir.resolve("a.img").toString(),
            dir.resolve("b.img").toString())
        .orFail();
    start(
        "witness",
        "witness",
        "--listen",
        "127.0.0.1:" + witnessPort,
        "--state-dir",
        dir.resolve("witness").toString(),
        "--key-file",
        dir.resolve("pair.key").toString());
    Process a = start("a", "run", "-c", config("node-a", witnessPort).toString());
    Process b = start("b", "run", "-c", config("node-b", witnessPort, extraSpecOfB).toString());
    try {
      await().atMost(T).until(() -> log("a").contains("resync of node-b done"));
      await().atMost(T).until(() -> log("a").contains("NBD export demo open"));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the pair did not start in sync; logs:\n"
              + String.join("\n", tail("witness"), tail("a"), tail("b")),
          e);
    }
    return new Process[] {a, b};
  }

  /** The last lines of a process's log, for a failure message. */
  private String tail(String name) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
    return "--- "
        + name
        + ".log\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private String log(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".log"));
  }

  @Test
  void aKilledPrimaryComesBackAsPrimaryOfTheNextEpochWithItsData() throws Exception {
    int witnessPort = 18790;
    // node-b in maintenance: it does not race node-a's restart for the role.
    Process[] nodes = startInSync(witnessPort, "maintenance: true");
    Process a = nodes[0];
    String uri = "nbd://127.0.0.1:18789/demo";
    QemuIo.write(uri, 0x3d, "0", "4M");

    a.destroyForcibly().waitFor();
    Files.move(dir.resolve("a.log"), dir.resolve("a-first.log"));
    start("a", "run", "-c", config("node-a", witnessPort).toString());

    await().atMost(T).until(() -> log("a").contains("primary of epoch 2"));
    await()
        .atMost(T)
        .until(
            () ->
                log("a").contains("resync of node-b done")
                    || log("a").contains("node-b is in sync"));
    await().atMost(T).until(() -> log("a").contains("NBD export demo open"));
    QemuIo.read(uri, 0x3d, "0", "4M");
    assertThat(log("a")).contains("did not shut down cleanly");
    assertThat(log("witness")).contains("epoch=2");
  }

  @Test
  void aPersonForcesTheOutdatedNodeOnceTheCurrentOneIsGoneAndTheLossIsNamed() throws Exception {
    int witnessPort = 18791;
    Process[] nodes = startInSync(witnessPort);
    Process a = nodes[0];
    Process b = nodes[1];
    String uri = "nbd://127.0.0.1:18789/demo";
    QemuIo.write(uri, 0x3d, "0", "1M");
    b.destroyForcibly().waitFor();
    // node-a outdates node-b at the witness, then acknowledges alone; then it is lost for good.
    QemuIo.write(uri, 0x3e, "0", "1M");
    a.destroyForcibly().waitFor();

    String jar = JAR.toAbsolutePath().toString();
    String nodeB = config("node-b", witnessPort).toString();
    Command.Result refused = Command.run(T, "java", "-jar", jar, "force-promote", "-c", nodeB);
    assertThat(refused.exit()).isEqualTo(3);
    assertThat(refused.stderr())
        .contains("node-a may hold acknowledged writes this node lacks")
        .contains("confirm with lose-writes-of=node-a since-epoch=1");

    Command.run(
            T,
            "java",
            "-jar",
            jar,
            "force-promote",
            "-c",
            nodeB,
            "--lose-writes-of",
            "node-a",
            "--since-epoch",
            "1")
        .orFail();
    Files.move(dir.resolve("b.log"), dir.resolve("b-first.log"));
    start("b", "run", "-c", nodeB);
    await().atMost(T).until(() -> log("b").contains("NBD export demo open"));
    assertThat(log("b")).contains("primary of epoch 3");
    // node-b serves what it had; the write node-a acknowledged alone is the loss that was named.
    QemuIo.read(uri, 0x3d, "0", "1M");
  }
}
