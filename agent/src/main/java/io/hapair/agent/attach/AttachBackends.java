package io.hapair.agent.attach;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Picks the first backend this host can use, in order of preference (kernel first). */
public final class AttachBackends {
  private AttachBackends() {}

  public static List<AttachBackend> preferred() {
    return List.of(new KernelNbdBackend(), new QemuFuseBackend());
  }

  /** The chosen backend and why each one before it could not be used. */
  public record Choice(Optional<AttachBackend> backend, List<String> skipped) {}

  public static Choice choose(List<AttachBackend> backends) {
    List<String> skipped = new ArrayList<>();
    for (AttachBackend b : backends) {
      Optional<String> why = b.unavailableBecause();
      if (why.isEmpty()) {
        return new Choice(Optional.of(b), skipped);
      }
      skipped.add(b.name() + ": " + why.get());
    }
    return new Choice(Optional.empty(), skipped);
  }
}
