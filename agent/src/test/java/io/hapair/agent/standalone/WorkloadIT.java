package io.hapair.agent.standalone;

import static io.hapair.agent.standalone.LoopbackPair.leadsInSync;
import static io.hapair.agent.standalone.LoopbackPair.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.fs.Mounts;
import io.hapair.agent.meta.Role;
import io.hapair.agent.support.Command;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group's filesystem on a loopback pair with the attach backend this host has (printed): mounted
 * on the primary only, moved by a switchover with its data, a busy unmount that keeps the role, and
 * a volume of the wrong type that is not started (nor formatted). Needs root.
 */
class WorkloadIT {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  private LoopbackPair pair;
  private Process holder;

  @AfterEach
  void stop() throws Exception {
    if (holder != null) {
      holder.destroyForcibly();
      holder.onExit().get(10, TimeUnit.SECONDS);
    }
    if (pair != null) {
      pair.close();
    }
    for (String node : new String[] {"a", "b"}) {
      Command.run(T, "umount", dir.resolve(node + "-mnt").toString());
    }
  }

  private String filesystem(String node, String type) throws IOException {
    Path mnt = Files.createDirectories(dir.resolve(node + "-mnt"));
    return "filesystem: {type: " + type + ", mountPath: " + mnt + ", format: IfBlank}";
  }

  private boolean mounted(String node) throws IOException {
    return new Mounts().sourceAt(dir.resolve(node + "-mnt")).isPresent();
  }

  private WorkloadSequence workload(NodeRunner runner) {
    return runner.workload(volume(runner));
  }

  private void startPair(String type) throws Exception {
    pair = new LoopbackPair(dir, "fs");
    pair.run("node-a", filesystem("a", type));
    pair.run("node-b", filesystem("b", type));
    System.out.println("WorkloadIT: attach backend exercised: " + workload(pair.a).backend());
  }

  @Test
  void thePrimaryMountsAndASwitchoverMovesTheFilesystemWithItsData() throws Exception {
    startPair("ext4");
    await().atMost(T).until(() -> workload(pair.a).ready());
    assertThat(mounted("a")).isTrue();
    assertThat(mounted("b")).as("the secondary never mounts").isFalse();
    Path file = dir.resolve("a-mnt/committed");
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("row 1".getBytes()));
      ch.force(true); // acknowledged only once replicated (protocol C)
    }
    await().atMost(T).until(() -> leadsInSync(pair.a));

    assertThat(pair.a.switchOverTo("node-b").get(60, TimeUnit.SECONDS)).isEqualTo(1);

    await().atMost(T).until(() -> workload(pair.b).ready());
    assertThat(mounted("a")).isFalse();
    assertThat(Files.readString(dir.resolve("b-mnt/committed"))).isEqualTo("row 1");
    assertThat(workload(pair.b).state()).startsWith("mounted " + dir.resolve("b-mnt"));
    assertThat(workload(pair.a).state()).isEqualTo("stopped");
  }

  @Test
  void aBusyUnmountKeepsThePrimaryRoleAndAlarms() throws Exception {
    startPair("ext4");
    await().atMost(T).until(() -> workload(pair.a).ready() && leadsInSync(pair.a));
    Path mnt = dir.resolve("a-mnt");
    holder = new ProcessBuilder("sh", "-c", "cd " + mnt + " && exec sleep 120").start();
    await()
        .atMost(T)
        .until(() -> Files.readSymbolicLink(Path.of("/proc/" + holder.pid() + "/cwd")).equals(mnt));

    assertThatThrownBy(() -> pair.a.switchOverTo("node-b").get(60, TimeUnit.SECONDS))
        .hasMessageContaining("keeping the primary role")
        .hasMessageContaining("busy");

    assertThat(volume(pair.a).role()).isEqualTo(Role.PRIMARY);
    assertThat(volume(pair.b).role()).isEqualTo(Role.SECONDARY);
    assertThat(mounted("a")).isTrue();
    assertThat(mounted("b")).isFalse();
    assertThat(workload(pair.a).alarm()).isTrue();
    assertThat(workload(pair.a).state()).contains("UnmountFailed");
  }

  @Test
  void aVolumeHoldingAnotherFilesystemIsNotStartedNorFormatted() throws Exception {
    pair = new LoopbackPair(dir, "fs");
    pair.run("node-a", filesystem("a", "ext4"));
    pair.run("node-b", filesystem("b", "xfs")); // node-b's file declares another type
    await().atMost(T).until(() -> workload(pair.a).ready() && leadsInSync(pair.a));

    pair.a.switchOverTo("node-b").get(60, TimeUnit.SECONDS);

    await().atMost(T).until(() -> workload(pair.b).state().startsWith("not started"));
    assertThat(workload(pair.b).state())
        .isEqualTo(
            "not started: WrongFilesystem: the volume holds a ext4 filesystem, the spec declares"
                + " xfs");
    assertThat(workload(pair.b).ready()).isFalse();
    assertThat(workload(pair.b).alarm()).isTrue();
    assertThat(volume(pair.b).role()).isEqualTo(Role.PRIMARY);
    assertThat(mounted("b")).isFalse();
    assertThat(Files.list(pair.stateDir("node-b").resolve("attach")))
        .as("no socket or FUSE file left; the daemon's log stays")
        .extracting(p -> p.getFileName().toString())
        .containsExactly("fs.fuse.log");
    assertThat(
            Command.run(
                    T, "blkid", "-p", "-o", "value", "-s", "TYPE", dir.resolve("b.img").toString())
                .stdout()
                .trim())
        .as("nothing was formatted")
        .isEqualTo("ext4");
  }
}
