package io.hapair.agent.volume;

import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import io.hapair.agent.support.FaultyArbiter;
import io.hapair.agent.witness.OutcomeUnknownException;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secondary whose primary died keeps asking the witness until it gets a verdict: failed attempts
 * neither end the takeover nor use up the failover budget, which counts role changes only.
 */
class TakeoverRetryIT {
  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  private void takesOverAfterFailedAttempts(Supplier<RuntimeException> error) throws Exception {
    pair = new PairHarness(dir, Protocol.C, "takeover key".getBytes());
    pair.autoFailover = true;
    FaultyArbiter witnessOfB = new FaultyArbiter(pair.arbiter);
    pair.startInSync(pair.arbiter, witnessOfB);
    pair.b.volume.setFailoverBudget(1, Duration.ofMinutes(10));
    witnessOfB.failWith(error);

    pair.a.crash();
    await().atMost(Duration.ofSeconds(10)).until(() -> witnessOfB.failedCalls() >= 3);
    witnessOfB.failWith(null);

    await().atMost(Duration.ofSeconds(10)).until(() -> pair.b.volume.role() == Role.PRIMARY);
  }

  @Test
  void unansweredAttemptsDoNotUseUpTheBudget() throws Exception {
    takesOverAfterFailedAttempts(() -> new OutcomeUnknownException("no answer (injected)"));
  }

  @Test
  void aWitnessErrorDoesNotEndTheTakeover() throws Exception {
    takesOverAfterFailedAttempts(() -> new IllegalStateException("witness: internal error"));
  }
}
