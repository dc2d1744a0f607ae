package io.hapair.agent.attach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the kernel has no NBD client: {@code qemu-storage-daemon} connects to the agent's socket
 * (an NBD client) and exports the volume as a file through FUSE; {@code losetup} makes that file a
 * block device. Flushes pass through (loop fsync, FUSE fsync, NBD flush), so durability is the
 * replicated volume's.
 */
public final class QemuFuseBackend implements AttachBackend {
  static final String PROGRAM = "qemu-storage-daemon";

  @Override
  public String name() {
    return "qemu-fuse";
  }

  @Override
  public Optional<String> unavailableBecause() {
    if (!Exec.onPath(PROGRAM)) {
      return Optional.of(PROGRAM + " is not installed (Debian package qemu-system-common)");
    }
    if (!Files.exists(Path.of("/dev/fuse"))) {
      return Optional.of("no /dev/fuse");
    }
    if (!Exec.onPath("losetup")) {
      return Optional.of("losetup is not installed");
    }
    return Optional.empty();
  }

  @Override
  public Attachment attach(Path socket, String export, long size, Path workDir, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path file = workDir.resolve(export + ".fuse");
    Files.deleteIfExists(file);
    Files.createFile(file);
    Process daemon =
        new ProcessBuilder(
                List.of(
                    PROGRAM,
                    "--blockdev",
                    "driver=nbd,node-name=vol,server.type=unix,server.path="
                        + socket
                        + ",export="
                        + export,
                    "--export",
                    "type=fuse,id=fuse,node-name=vol,mountpoint=" + file + ",writable=on"))
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve(export + ".fuse.log").toFile())
            .start();
    QemuAttachment attachment = new QemuAttachment(daemon, file, timeout);
    try {
      awaitExported(daemon, file, size, deadline);
      String loop = Exec.check(remaining(deadline), "losetup", "--find", "--show", file.toString());
      attachment.loop = Path.of(loop.lines().reduce((a, b) -> b).orElseThrow());
      return attachment;
    } catch (IOException | RuntimeException e) {
      attachment.detach();
      throw e;
    }
  }

  /** Waits until the FUSE file has the volume's size (the export is up). */
  private static void awaitExported(Process daemon, Path file, long size, long deadline)
      throws IOException {
    while (Files.size(file) != size) {
      if (!daemon.isAlive()) {
        throw new IOException(
            PROGRAM + " exited with " + daemon.exitValue() + " before exporting the volume");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(PROGRAM + " did not export the volume in time");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20); // polling a file size: no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while attaching");
      }
    }
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
  }

  private final class QemuAttachment implements Attachment {
    private final Process daemon;
    private final Path file;
    private final Duration timeout;
    private Path loop;

    QemuAttachment(Process daemon, Path file, Duration timeout) {
      this.daemon = daemon;
      this.file = file;
      this.timeout = timeout;
    }

    @Override
    public Path device() {
      return loop;
    }

    @Override
    public String backend() {
      return name();
    }

    @Override
    public void detach() throws IOException {
      if (loop != null) {
        Exec.check(timeout, "losetup", "--detach", loop.toString());
        loop = null;
      }
      daemon.destroy(); // SIGTERM: it flushes and unmounts its FUSE export
      try {
        if (!daemon.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          daemon.destroyForcibly();
          throw new IOException(PROGRAM + " did not stop within " + timeout.toMillis() + " ms");
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(file);
    }
  }
}
