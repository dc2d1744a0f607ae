package io.hapair.agent.standalone;

import static io.hapair.agent.standalone.LoopbackPair.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A person on node-a talks to its running agent through the control socket (`hapair ctl`). */
class ControlSocketIT {
  static final Duration T = Duration.ofSeconds(30);
  static final String WITNESSED = "failover: {heartbeatInterval: 100ms, missedHeartbeats: 5}";
  @TempDir Path dir;
  LoopbackPair pair;
  ControlSocket control;

  @BeforeEach
  void start() throws Exception {
    pair = new LoopbackPair(dir, "ctl");
    pair.run("node-a", WITNESSED);
    pair.run("node-b", WITNESSED);
    await().atMost(T).until(() -> LoopbackPair.leadsInSync(pair.a));
    Path config = dir.resolve("node-a.yaml");
    control =
        ControlSocket.open(pair.stateDir("node-a"), new ControlCommands(pair.a, config)::handle);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
    pair.close();
  }

  private String ask(String request) throws Exception {
    return ControlSocket.ask(pair.stateDir("node-a"), request);
  }

  @Test
  void aSwitchoverHandsTheGroupToThePeer() throws Exception {
    assertThat(ask("switchover node-b")).isEqualTo("ok handed 1 group(s) to node-b");
    await().atMost(T).until(() -> volume(pair.b).role() == Role.PRIMARY);
    assertThat(volume(pair.a).role()).isEqualTo(Role.SECONDARY);
    assertThat(pair.witness.snapshot().primary()).isEqualTo("node-b");

    assertThat(ask("switchover node-b"))
        .isEqualTo("ok this node leads no group whose peer is node-b");
  }

  @Test
  void badRequestsGetAnErrorAndChangeNothing() throws Exception {
    assertThat(ask("switchover")).isEqualTo("error usage: switchover <node>");
    assertThat(ask("promote now")).startsWith("error unknown request \"promote\"");
    assertThat(volume(pair.a).role()).isEqualTo(Role.PRIMARY);
  }

  @Test
  void reloadAppliesMaintenanceFromTheFile() throws Exception {
    assertThat(volume(pair.a).automaticFailover()).isTrue();
    pair.writeConfig("node-a", WITNESSED, "maintenance: true");
    assertThat(ask("reload")).startsWith("ok reloaded");
    assertThat(volume(pair.a).automaticFailover()).isFalse();

    pair.writeConfig("node-a", WITNESSED, "maintenance: [not, a, boolean]");
    assertThat(ask("reload")).startsWith("error").contains("maintenance");
    assertThat(volume(pair.a).automaticFailover()).as("a bad file changes nothing").isFalse();
  }
}
