package io.hapair.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own refusals, whatever validated the spec before: commands unless its config allows
 * them, disks outside its allow-list (by name, and with links followed).
 */
class NodeTrustIT {
  @TempDir Path tmp;
  @TempDir Path outside;
  Path dir;
  LoopbackPair pair;

  @BeforeEach
  void create() throws Exception {
    dir = tmp.toRealPath();
    pair = new LoopbackPair(dir, "trust");
  }

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void aHookIsRefusedWhileCommandsAreOff() throws Exception {
    Path ran = dir.resolve("hook-ran");

    assertThatThrownBy(() -> pair.run("node-a", "hooks:", "  onPrimary: touch " + ran))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("spec.hooks.onPrimary: this agent does not run commands");
    assertThat(pair.a).isNull();
    assertThat(ran).doesNotExist();
  }

  @Test
  void aHealthCheckIsRefusedWhileCommandsAreOff() {
    assertThatThrownBy(
            () ->
                pair.run("node-a", "failover:", "  healthCheck:", "    command: touch /tmp/never"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("spec.failover.healthCheck.command: this agent does not run");
  }

  @Test
  void withCommandsAllowedTheHookRuns() throws Exception {
    Path ran = dir.resolve("hook-ran");
    pair.settings.add("allowCommands: true");

    pair.run("node-a", "hooks:", "  onPrimary: touch " + ran);

    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ran));
  }

  @Test
  void aDiskOutsideTheAllowListIsRefused() {
    pair.settings.add("allowedDisks: [" + dir.resolve("elsewhere") + "/]");

    assertThatThrownBy(() -> pair.run("node-a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("spec.nodes[0].disk: " + dir.resolve("a.img"))
        .hasMessageContaining("outside the disks this installation allows");
  }

  @Test
  void aLinkInAnAllowedDirectoryMayNotLeadOutOfIt() throws Exception {
    pair.settings.add("allowedDisks: [" + dir + "/]");
    // node-a's disk, a.img in the allowed directory, is a link to a file outside it.
    Path real = outside.toRealPath().resolve("real-a.img");
    Files.move(dir.resolve("a.img"), real);
    Files.createSymbolicLink(dir.resolve("a.img"), real);

    assertThatThrownBy(() -> pair.run("node-a"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "spec.nodes[0].disk: " + dir.resolve("a.img") + " leads to " + real);
  }

  @Test
  void anAllowedDiskIsOpenedByItsRealPath() throws Exception {
    Path allowed = Files.createDirectories(dir.resolve("disks"));
    Files.move(dir.resolve("a.img"), allowed.resolve("a.img"));
    Files.createSymbolicLink(dir.resolve("a.img"), allowed.resolve("a.img"));
    pair.settings.add("allowedDisks: [" + dir + "/a.img, " + allowed + "/]");

    NodeRunner runner = pair.run("node-a");

    assertThat(LoopbackPair.volume(runner).config().disk()).isEqualTo(allowed.resolve("a.img"));
  }
}
