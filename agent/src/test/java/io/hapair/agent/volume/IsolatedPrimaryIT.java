package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.agent.witness.Arbiter;
import io.hapair.agent.witness.OutcomeUnknownException;
import io.hapair.agent.witness.WitnessRecord;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.hapair.common.QemuIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary loses both its peer and the witness: it stops answering when its lease lapses, the
 * secondary takes over, and when the old primary hears of the newer epoch it steps down and resyncs
 * from the new primary.
 */
class IsolatedPrimaryIT {
  @TempDir Path dir;

  /** The witness as one node sees it: reachable or not. */
  static final class Reachability implements Arbiter {
    volatile Arbiter witness;
    volatile boolean reachable = true;

    Reachability(Arbiter witness) {
      this.witness = witness;
    }

    @Override
    public CompletableFuture<WitnessRecord> read() {
      return reachable ? witness.read() : unreachable();
    }

    @Override
    public CompletableFuture<WitnessRecord> compareAndSwap(
        WitnessRecord expected, WitnessRecord next) {
      return reachable ? witness.compareAndSwap(expected, next) : unreachable();
    }

    private static CompletableFuture<WitnessRecord> unreachable() {
      return CompletableFuture.failedFuture(
          new OutcomeUnknownException("partitioned from the witness"));
    }
  }

  @Test
  void theIsolatedPrimaryStepsDownAndResyncsFromTheNewOne() throws Exception {
    try (PairHarness pair = new PairHarness(dir, Protocol.C, "isolation key".getBytes())) {
      pair.autoFailover = true;
      Reachability aSees = new Reachability(pair.arbiter);
      pair.startInSync(aSees, pair.arbiter);
      QemuIo.write(pair.a.uri(), 0x55, "0", "1M");

      aSees.reachable = false;
      pair.a.connector.close();
      pair.a.volume.disconnect("partitioned from node-b");

      await().atMost(Duration.ofSeconds(10)).until(() -> !pair.a.volume.mayServe());
      await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.volume.role() == Role.PRIMARY);
      assertThat(pair.a.volume.role())
          .as("still believes it leads, but answers nothing")
          .isEqualTo(Role.PRIMARY);

      aSees.reachable = true;
      await().atMost(Duration.ofSeconds(10)).until(() -> pair.a.volume.role() == Role.SECONDARY);
      pair.a.connector = new PeerConnector(pair.a.volume);

      pair.awaitInSync(pair.b);
      assertThat(pair.b.volume.epoch()).isEqualTo(2);
      assertThat(pair.a.sha256()).isEqualTo(pair.b.sha256());
    }
  }
}
