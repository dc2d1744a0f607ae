package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authority is a lease on monotonic clocks, checked at reply time. */
class LeaseIT {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void theSecondaryWaitsOutItsLastGrantBeforeItsCompareAndSwap() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.a.crash();

    pair.b.volume.promote().get();

    ReplicatedVolume b = pair.b.volume;
    assertThat(b.promotedAfterNanos() - b.lastGrantNanos())
        .isGreaterThanOrEqualTo(b.secondaryTermNanos());
    assertThat(b.secondaryTermNanos()).isGreaterThan(pair.a.config().deadAfter().toNanos());
  }

  @Test
  void aPrimaryThatCanRenewNowhereStopsAnsweringUntilItCan() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.arbiter.setReachable(false);
    pair.b.crash();
    CompletableFuture<QemuIo.Result> heldWrite =
        CompletableFuture.supplyAsync(() -> QemuIo.run(pair.a.uri(), "write -P 0x21 0 4k"));

    await().atMost(Duration.ofSeconds(5)).until(() -> !pair.a.volume.mayServe());
    // A new client is refused at the handshake, with the reason the server gives it.
    QemuIo.Result read = QemuIo.run(pair.a.uri(), "read 0 4k");
    assertThat(read.exit()).as("a read after the lease lapsed is refused: %s", read).isNotZero();
    assertThat(read.stderr()).contains("this node is not primary for");

    pair.arbiter.setReachable(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> pair.a.volume.mayServe());
    assertThat(heldWrite.get().exit()).isZero();
    QemuIo.read(pair.a.uri(), 0x21, "0", "4k");
  }
}
