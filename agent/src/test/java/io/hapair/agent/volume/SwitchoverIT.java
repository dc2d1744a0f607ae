package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.agent.support.FaultyArbiter;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Switchover: the primary hands its role to an in-sync peer with one compare-and-swap. */
class SwitchoverIT {
  static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void theRoleMovesToThePeerWithEveryWrite() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.b.export();
    QemuIo.write(pair.a.uri(), 0x42, "0", "4M");

    long started = System.nanoTime();
    long epoch = pair.a.volume.handOver().get(10, TimeUnit.SECONDS);
    await()
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(10))
        .until(() -> pair.b.volume.mayServe());
    long handOverMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("switchover: node-b serving " + handOverMillis + " ms after the request");

    assertThat(epoch).isEqualTo(2);
    assertThat(pair.a.volume.role()).isEqualTo(Role.SECONDARY);
    assertThat(pair.b.volume.role()).isEqualTo(Role.PRIMARY);
    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-b");
    assertThat(pair.arbiter.snapshot().epoch()).isEqualTo(2);
    // node-b did not wait out a lease: it took the role as soon as it was told.
    assertThat(pair.b.volume.lastTakeover()).isNull();
    QemuIo.read(pair.b.uri(), 0x42, "0", "4M");
    QemuIo.write(pair.b.uri(), 0x43, "4M", "1M");
    assertThat(QemuIo.run(pair.a.uri(), "read 0 4k").exit() == 0)
        .as("the old primary no longer answers")
        .isFalse();

    // The old primary rejoins as secondary and both disks end identical.
    pair.awaitInSync(pair.b);
    assertThat(pair.arbiter.snapshot().upToDate()).containsExactlyInAnyOrder("node-a", "node-b");
    QemuIo.run(pair.b.uri(), "flush").orFail();
    await().atMost(T).until(() -> pair.a.sha256().equals(pair.b.sha256()));
  }

  @Test
  void noSwitchoverToAPeerThatIsNotInSync() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.b.crash();
    QemuIo.write(pair.a.uri(), 0x42, "0", "64k");

    assertThatThrownBy(() -> pair.a.volume.handOver().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("not connected and in sync");
    assertThat(pair.a.volume.role()).isEqualTo(Role.PRIMARY);
    QemuIo.read(pair.a.uri(), 0x42, "0", "64k");
  }

  @Test
  void noSwitchoverToAPeerTheWitnessStillRecordsAsOutdated() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "switchover key".getBytes());
    FaultyArbiter witnessOfA = new FaultyArbiter(pair.arbiter);
    // The swap that re-lists node-b as current after its resync does not land.
    witnessOfA.holdSwapsWhere(
        (expected, next) -> next.isUpToDate("node-b") && "node-a".equals(next.primary()));
    pair.startInSync(witnessOfA, pair.arbiter);
    await().atMost(T).until(() -> witnessOfA.heldSwaps() > 0);
    assertThat(pair.a.volume.peerState()).isEqualTo(ReplicatedVolume.PeerState.CONNECTED);

    assertThatThrownBy(() -> pair.a.volume.handOver().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("the witness still records node-b as outdated");

    assertThat(pair.arbiter.snapshot().primary()).isEqualTo("node-a");
    assertThat(pair.a.volume.role()).isEqualTo(Role.PRIMARY);
    await().atMost(T).until(() -> pair.a.volume.mayServe());
  }
}
