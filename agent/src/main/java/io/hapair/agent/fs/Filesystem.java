package io.hapair.agent.fs;

import io.hapair.agent.attach.Exec;
import io.hapair.api.v1alpha1.FilesystemSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The filesystem steps on an attached volume: look at what it holds (format only a blank one, and
 * only when allowed), check and replay the journal, mount, unmount. Each step is bounded in time
 * and fails with a reason rather than guess.
 */
public final class Filesystem {
  /** A blank volume has no byte set in its first MiB (as the volume's own disk inspector says). */
  private static final int BLANK_PROBE = 1 << 20;

  private final FilesystemPlan plan;
  private final Mounts mounts;
  private final Duration timeout;

  public Filesystem(FilesystemPlan plan, Mounts mounts, Duration timeout) {
    this.plan = plan;
    this.mounts = mounts;
    this.timeout = timeout;
  }

  public FilesystemPlan plan() {
    return plan;
  }

  /** Refuses a mount path that is missing or already a mount point; run before attaching. */
  public void checkMountPath() throws IOException {
    Path path = plan.mountPath();
    if (!Files.isDirectory(path)) {
      throw new FilesystemException(
          "MountPathMissing", "mount path " + path + " is not an existing directory");
    }
    Optional<String> mounted = mounts.sourceAt(path);
    if (mounted.isPresent()) {
      throw new FilesystemException(
          "MountPathInUse",
          "mount path " + path + " is already a mount point (" + mounted.get() + ")");
    }
  }

  /**
   * Finds the declared filesystem on {@code device}, or creates it when the volume is blank and the
   * spec allows: returns true when it formatted. Anything else on the volume is left untouched.
   */
  public boolean findOrFormat(Path device) throws IOException {
    String declared = plan.type().name();
    Optional<String> found = probe(device);
    if (found.isPresent()) {
      if (!found.get().equals("TYPE=" + declared)) {
        throw new FilesystemException(
            "WrongFilesystem",
            "the volume holds " + describe(found.get()) + ", the spec declares " + declared);
      }
      return false;
    }
    if (!blank(device)) {
      throw new FilesystemException(
          "UnknownContent",
          "the volume holds data that no probe recognises as a filesystem; not formatting it");
    }
    if (!plan.formatIfBlank()) {
      throw new FilesystemException(
          "BlankVolume", "the volume is blank and format is Never: create the filesystem first");
    }
    List<String> mkfs = new ArrayList<>();
    if (plan.type() == FilesystemSpec.Type.ext4) {
      mkfs.addAll(List.of("mkfs.ext4", "-q", "-E", "nodiscard"));
    } else {
      mkfs.addAll(List.of("mkfs.xfs", "-q", "-K"));
    }
    mkfs.add(device.toString());
    Exec.Result r = Exec.run(timeout, mkfs);
    if (!r.ok()) {
      throw new FilesystemException("FormatFailed", mkfs.get(0) + " failed: " + r.output());
    }
    return true;
  }

  /**
   * What blkid's low-level probe and wipefs find: "TYPE=ext4", "PTTYPE=gpt", any signature at all;
   * empty only when both find nothing.
   */
  static Optional<String> probeWith(Duration timeout, Path device) throws IOException {
    Exec.Result blkid =
        Exec.run(
            timeout,
            "blkid",
            "-p",
            "-o",
            "export",
            "-s",
            "TYPE",
            "-s",
            "PTTYPE",
            device.toString());
    Optional<String> type =
        blkid.output().lines().filter(l -> l.matches("^(PT)?TYPE=.+")).findFirst();
    if (blkid.exit() == 0 && type.isPresent()) {
      return type; // blkid also prints DEVNAME=
    }
    if (blkid.exit() != 2 && blkid.exit() != 0) {
      throw new FilesystemException("ProbeFailed", "blkid failed: " + blkid.output());
    }
    Exec.Result wipefs =
        Exec.run(
            timeout, "wipefs", "--no-act", "--noheadings", "--output", "TYPE", device.toString());
    if (!wipefs.ok()) {
      throw new FilesystemException("ProbeFailed", "wipefs failed: " + wipefs.output());
    }
    if (!wipefs.output().isBlank()) {
      return Optional.of("SIGNATURE=" + wipefs.output().lines().findFirst().orElseThrow());
    }
    return Optional.empty();
  }

  private Optional<String> probe(Path device) throws IOException {
    return probeWith(timeout, device);
  }

  private static String describe(String signature) {
    String[] kv = signature.split("=", 2);
    return switch (kv[0]) {
      case "TYPE" -> "a " + kv[1] + " filesystem";
      case "PTTYPE" -> "a " + kv[1] + " partition table";
      default -> "a " + kv[1] + " signature";
    };
  }

  private static boolean blank(Path device) throws IOException {
    try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
      ByteBuffer head =
          ByteBuffer.allocate((int) Math.min(BLANK_PROBE, ch.size() > 0 ? ch.size() : BLANK_PROBE));
      while (head.hasRemaining() && ch.read(head) > 0) {
        // keep reading: a block device may return short reads
      }
      head.flip();
      while (head.hasRemaining()) {
        if (head.get() != 0) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Checks the filesystem and replays its journal before mounting: {@code e2fsck -p} for ext4 (exit
   * 0 clean, 1 and 2 corrected; 4 and up needs a person); xfs replays its log at mount.
   */
  public void check(Path device) throws IOException {
    if (plan.type() != FilesystemSpec.Type.ext4) {
      return;
    }
    Exec.Result r = Exec.run(timeout, "e2fsck", "-p", device.toString());
    if (r.exit() >= 4) {
      throw new FilesystemException(
          "FsckNeedsRepair",
          "e2fsck -p exit "
              + r.exit()
              + ": the filesystem needs a manual repair (e2fsck by a"
              + " person); not mounting it: "
              + r.output());
    }
  }

  public void mount(Path device) throws IOException {
    List<String> argv = new ArrayList<>(List.of("mount", "-t", plan.type().name()));
    if (plan.mountOptions() != null) {
      argv.addAll(List.of("-o", plan.mountOptions()));
    }
    argv.addAll(List.of(device.toString(), plan.mountPath().toString()));
    Exec.Result r = Exec.run(timeout, argv);
    if (!r.ok()) {
      throw new FilesystemException("MountFailed", "mount failed: " + r.output());
    }
  }

  /** Unmounts; a busy or failing unmount is reported, never forced or made lazy. */
  public void unmount() throws IOException {
    if (mounts.sourceAt(plan.mountPath()).isEmpty()) {
      return;
    }
    Exec.Result r = Exec.run(timeout, "umount", plan.mountPath().toString());
    if (!r.ok()) {
      throw new FilesystemException(
          "UnmountFailed", "umount " + plan.mountPath() + " failed: " + r.output());
    }
  }

  public boolean mounted() throws IOException {
    return mounts.sourceAt(plan.mountPath()).isPresent();
  }
}
