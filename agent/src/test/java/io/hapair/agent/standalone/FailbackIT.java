package io.hapair.agent.standalone;

import static io.hapair.agent.standalone.LoopbackPair.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * failback: Preferred: after a failover, the preferred node comes back as secondary, resyncs, and
 * the role is handed back to it; with Never, it stays where it is.
 */
class FailbackIT {
  static final Duration T = Duration.ofSeconds(30);
  @TempDir Path dir;
  LoopbackPair pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  private NodeRunner run(String node, String failback) throws Exception {
    return pair.run(
        node, "failback: " + failback, "failover: {heartbeatInterval: 100ms, missedHeartbeats: 5}");
  }

  private static boolean inSync(NodeRunner primary) {
    return LoopbackPair.leadsInSync(primary);
  }

  /** Both start, node-a leads; then node-a goes away and node-b takes over. */
  private void failOver(String failback) throws Exception {
    pair = new LoopbackPair(dir, "fb");
    run("node-a", failback);
    run("node-b", failback);
    await().atMost(T).until(() -> inSync(pair.a));
    pair.a.close();
    pair.a = null;
    await().atMost(T).until(() -> volume(pair.b).role() == Role.PRIMARY);
    assertThat(pair.witness.snapshot().epoch()).isEqualTo(2);
  }

  @Test
  void thePreferredNodeGetsTheRoleBackOnceInSync() throws Exception {
    failOver("Preferred");

    run("node-a", "Preferred"); // back as secondary, resyncs, then gets the role back
    assertThat(volume(pair.a).role()).isEqualTo(Role.SECONDARY);
    await().atMost(T).until(() -> volume(pair.a).role() == Role.PRIMARY);
    assertThat(pair.witness.snapshot().primary()).isEqualTo("node-a");
    assertThat(pair.witness.snapshot().epoch()).isEqualTo(3);
    assertThat(volume(pair.b).role()).isEqualTo(Role.SECONDARY);
  }

  @Test
  void withFailbackNeverTheSurvivorKeepsTheRole() throws Exception {
    failOver("Never");

    run("node-a", "Never");
    await().atMost(T).until(() -> inSync(pair.b));
    // Two failback looks in a row see node-a in sync; nothing moves.
    await()
        .during(NodeRunner.FAILBACK_CHECK.multipliedBy(3))
        .atMost(T)
        .until(
            () -> volume(pair.b).role() == Role.PRIMARY && volume(pair.a).role() == Role.SECONDARY);
    assertThat(pair.witness.snapshot().epoch()).isEqualTo(2);
  }
}
