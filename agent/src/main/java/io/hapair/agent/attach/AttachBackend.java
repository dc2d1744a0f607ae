package io.hapair.agent.attach;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A way to turn the agent's local NBD socket into a block device on this host. */
public interface AttachBackend {
  /** Its name in logs, metrics and status: "kernel-nbd", "qemu-fuse". */
  String name();

  /** Why this host cannot use it (a missing module or program), or empty when it can. */
  Optional<String> unavailableBecause();

  /**
   * Connects to the NBD export {@code export} on the Unix socket {@code socket} and returns the
   * block device, within {@code timeout}.
   *
   * @param workDir a root-only directory for the backend's files (FUSE mount point, pid)
   */
  Attachment attach(Path socket, String export, long size, Path workDir, Duration timeout)
      throws IOException;
}
