package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.Command;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
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
    CompletableFuture<Command.Result> heldWrite =
        CompletableFuture.supplyAsync(
            () -> Command.run(T, "qemu-io", "-f", "raw", pair.a.uri(), "-c", "write -P 0x21 0 4k"));

    await().atMost(Duration.ofSeconds(5)).until(() -> !pair.a.volume.mayServe());
    Command.Result read = Command.run(T, "qemu-io", "-f", "raw", pair.a.uri(), "-c", "read 0 4k");
    assertThat(read.exit() != 0 || !read.stderr().isEmpty() || read.stdout().contains("failed"))
        .as("a read after the lease lapsed is refused: %s", read)
        .isTrue();

    pair.arbiter.setReachable(true);
    await().atMost(Duration.ofSeconds(5)).until(() -> pair.a.volume.mayServe());
    assertThat(heldWrite.get().exit()).isZero();
    Command.run(T, "qemu-io", "-f", "raw", pair.a.uri(), "-c", "read -P 0x21 0 4k").orFail();
  }
}
