package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.LinkHandshake;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade in progress: one agent new, the other speaking only protocol version 1 (as the older
 * agent does). They agree on version 1 and replicate; what needs version 2 (handover) is refused
 * with a reason instead of half-done.
 */
class VersionNegotiationIT {
  static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void anOldAndANewAgentReplicateOnTheOldVersion() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.b.volume.speakAtMost(1);
    pair.b.volume.disconnect("node-b restarts as the older agent");
    await().atMost(T).until(() -> pair.b.volume.connected());
    pair.awaitInSync(pair.a);

    QemuIo.run(pair.a.uri(), "write -P 0x61 0 1M", "flush").orFail();
    await().atMost(T).until(() -> pair.a.sha256().equals(pair.b.sha256()));

    assertThatThrownBy(() -> pair.a.volume.handOver().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("speaks replication protocol 1, which has no handover");
    assertThat(pair.a.volume.role()).isEqualTo(Role.PRIMARY);
    assertThat(pair.a.volume.mayServe()).isTrue();
    QemuIo.read(pair.a.uri(), 0x61, "0", "1M");

    // Once node-b is upgraded too, the switchover goes through.
    pair.b.volume.speakAtMost(LinkHandshake.MAX_VERSION);
    pair.b.volume.disconnect("node-b restarts as the new agent");
    await().atMost(T).until(() -> pair.b.volume.connected());
    pair.awaitInSync(pair.a);
    assertThat(pair.a.volume.handOver().get(10, TimeUnit.SECONDS)).isEqualTo(2);
    await().atMost(T).until(() -> pair.b.volume.role() == Role.PRIMARY);
  }
}
