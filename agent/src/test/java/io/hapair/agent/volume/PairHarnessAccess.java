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

  public static PairHarnessAccess started(Path dir) throws Exception {
    return new PairHarnessAccess(PairHarness.started(dir, Protocol.C));
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
