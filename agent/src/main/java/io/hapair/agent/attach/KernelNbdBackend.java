package io.hapair.agent.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The kernel's NBD client ({@code nbd} module) connected by {@code nbd-client -unix} to the agent's
 * socket: /dev/nbdN is the volume, with no FUSE or loop device in between.
 */
public final class KernelNbdBackend implements AttachBackend {
  private final Path sysBlock;

  public KernelNbdBackend() {
    this(Path.of("/sys/block"));
  }

  KernelNbdBackend(Path sysBlock) {
    this.sysBlock = sysBlock;
  }

  @Override
  public String name() {
    return "kernel-nbd";
  }

  @Override
  public Optional<String> unavailableBecause() {
    if (!Files.isDirectory(sysBlock.resolve("nbd0"))) {
      return Optional.of("the nbd kernel module is not loaded (no /sys/block/nbd0)");
    }
    if (!Exec.onPath("nbd-client")) {
      return Optional.of("nbd-client is not installed (Debian package nbd-client)");
    }
    return Optional.empty();
  }

  @Override
  public Attachment attach(Path socket, String export, long size, Path workDir, Duration timeout)
      throws IOException {
    Path device = freeDevice();
    Exec.check(
        timeout,
        "nbd-client",
        "-unix",
        socket.toString(),
        device.toString(),
        "-N",
        export,
        "-b",
        "4096");
    return new Attachment() {
      @Override
      public Path device() {
        return device;
      }

      @Override
      public String backend() {
        return name();
      }

      @Override
      public void detach() throws IOException {
        Exec.check(timeout, "nbd-client", "-d", device.toString());
      }
    };
  }

  /** The first /dev/nbdN no client holds (no pid file in sysfs). */
  private Path freeDevice() throws IOException {
    for (int i = 0; i < 256; i++) {
      Path sys = sysBlock.resolve("nbd" + i);
      if (!Files.isDirectory(sys)) {
        break;
      }
      if (!Files.exists(sys.resolve("pid"))) {
        return Path.of("/dev/nbd" + i);
      }
    }
    throw new IOException("every /dev/nbd device is in use");
  }
}
