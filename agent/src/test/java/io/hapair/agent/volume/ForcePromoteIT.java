package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The current node is lost for good and only the outdated one is left: a person may promote it, but
 * only by naming what is lost.
 */
class ForcePromoteIT {
  static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void anOutdatedNodeIsPromotedOnlyWhenTheLossIsNamed() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    QemuIo.write(pair.a.uri(), 0x01, "0", "64k");
    pair.b.crash();
    // node-a outdates node-b and acknowledges alone: node-b never sees this write.
    QemuIo.write(pair.a.uri(), 0x02, "0", "64k");
    pair.a.crash(); // node-a is lost for good
    pair.b.start(pair.arbiter);
    assertThat(pair.b.volume.metadata().highestEpoch()).isEqualTo(1);

    assertThatThrownBy(() -> pair.b.volume.promote().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("does not list node-b as up to date");
    assertThatThrownBy(() -> pair.b.volume.forcePromote("node-a", 0).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("node-a may hold acknowledged writes this node lacks")
        .hasMessageContaining("confirm with lose-writes-of=node-a since-epoch=1");
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-a");

    long epoch = pair.b.volume.forcePromote("node-a", 1).get(10, TimeUnit.SECONDS);

    assertThat(epoch).isEqualTo(2);
    assertThat(pair.b.volume.role()).isEqualTo(Role.PRIMARY);
    assertThat(pair.b.volume.metadata().diskState()).isEqualTo(DiskState.UP_TO_DATE);
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-b");
    assertThat(pair.arbiter.snapshot().upToDate()).containsExactly("node-b");
    pair.b.export();
    // What node-b serves is what it had: the write acknowledged by node-a alone is the loss named.
    QemuIo.read(pair.b.uri(), 0x01, "0", "64k");
  }

  @Test
  void nothingIsForcedWhileAPrimaryIsConnected() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    assertThatThrownBy(() -> pair.b.volume.forcePromote("node-a", 1).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("node-a is primary and connected: switch over");
    assertThat(pair.a.volume.role()).isEqualTo(Role.PRIMARY);
  }
}
