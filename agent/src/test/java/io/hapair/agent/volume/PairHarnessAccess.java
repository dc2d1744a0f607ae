package io.hapair.agent.volume;

import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.io.IOException;
import java.nio.file.Path;

/** A started pair for tests outside this package (the harness itself is package-private). */
public final class PairHarnessAccess implements AutoCloseable {
  private final PairHarness pair;

  private PairHarnessAccess(PairHarness pair) {
    this.pair = pair;
  }

  /** Both nodes started, node-a primary and in sync, heartbeating on the link and over UDP. */
  public static PairHarnessAccess started(Path dir) throws Exception {
    PairHarness pair = new PairHarness(dir, Protocol.C, "test pair key".getBytes());
    pair.udpHeartbeat = true;
    pair.startInSync(pair.arbiter, pair.arbiter);
    return new PairHarnessAccess(pair);
  }

  public String primaryUri() {
    return pair.a.uri();
  }

  public void crashSecondary() throws IOException {
    pair.b.crash();
  }

  @Override
  public void close() {
    pair.close();
  }
}
