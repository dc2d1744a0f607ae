package io.hapair.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hapair.agent.support.Command;
import io.hapair.api.v1alpha1.FilesystemSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem steps on a real loop device: what is formatted and what never is, fsck's verdict,
 * mount points that are missing or taken, a busy unmount. Needs root (loop devices, mount).
 */
class FilesystemIT {
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Path image;
  private Path loop;
  private Path mnt;

  @BeforeEach
  void attach() throws IOException {
    image = dir.resolve("volume.img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(320L << 20); // xfs wants 300 MiB at least; sparse
    }
    loop =
        Path.of(
            Command.run(T, "losetup", "--find", "--show", image.toString())
                .orFail()
                .stdout()
                .trim());
    mnt = Files.createDirectory(dir.resolve("mnt"));
  }

  @AfterEach
  void detach() {
    while (Command.run(T, "umount", mnt.toString()).exit() == 0) {
      // a test may leave one mount, or a tmpfs under the volume's mount
    }
    Command.run(T, "losetup", "--detach", loop.toString());
  }

  private Filesystem fs(FilesystemSpec.Type type, boolean formatIfBlank) {
    return new Filesystem(new FilesystemPlan(type, mnt, "noatime", formatIfBlank), new Mounts(), T);
  }

  private Optional<String> signature() throws IOException {
    return Filesystem.probeWith(T, loop);
  }

  private static String reason(Throwable e) {
    return ((FilesystemException) e).reason();
  }

  @Test
  void aBlankVolumeIsFormattedOnceWithIfBlankAndThenFoundAndMounted() throws IOException {
    Filesystem fs = fs(FilesystemSpec.Type.ext4, true);

    assertThat(fs.findOrFormat(loop)).isTrue();
    assertThat(fs.findOrFormat(loop)).as("found the second time, not formatted again").isFalse();
    fs.check(loop);
    fs.mount(loop);
    Files.writeString(mnt.resolve("kept"), "data");
    fs.unmount();

    assertThat(fs.mounted()).isFalse();
    assertThat(signature()).contains("TYPE=ext4");
    fs.mount(loop);
    assertThat(Files.readString(mnt.resolve("kept"))).isEqualTo("data");
  }

  @Test
  void xfsIsFormattedAndMounted() throws IOException {
    Filesystem fs = fs(FilesystemSpec.Type.xfs, true);

    assertThat(fs.findOrFormat(loop)).isTrue();
    fs.check(loop);
    fs.mount(loop);

    assertThat(fs.mounted()).isTrue();
    assertThat(signature()).contains("TYPE=xfs");
  }

  @Test
  void aBlankVolumeWithFormatNeverIsRefusedAndLeftBlank() throws IOException {
    assertThatThrownBy(() -> fs(FilesystemSpec.Type.ext4, false).findOrFormat(loop))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("BlankVolume"))
        .hasMessageContaining("format is Never");
    assertThat(signature()).isEmpty();
  }

  @Test
  void aFilesystemOfAnotherTypeIsNeverFormatted() throws IOException {
    Command.run(T, "mkfs.ext4", "-q", loop.toString()).orFail();

    assertThatThrownBy(() -> fs(FilesystemSpec.Type.xfs, true).findOrFormat(loop))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("WrongFilesystem"))
        .hasMessage("the volume holds a ext4 filesystem, the spec declares xfs");
    assertThat(signature()).contains("TYPE=ext4");
  }

  @Test
  void aPartitionTableIsASignatureAndNeverFormatted() throws IOException {
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55, (byte) 0xAA}), 510); // an MBR
    }

    assertThatThrownBy(() -> fs(FilesystemSpec.Type.ext4, true).findOrFormat(loop))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("WrongFilesystem"))
        .hasMessageContaining("dos partition table");
    assertThat(signature()).contains("PTTYPE=dos");
  }

  @Test
  void dataWithoutAKnownSignatureIsNeverFormatted() throws IOException {
    byte[] data = "application data, not a filesystem".getBytes();
    try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(data), 8192);
    }

    assertThatThrownBy(() -> fs(FilesystemSpec.Type.ext4, true).findOrFormat(loop))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("UnknownContent"));
    byte[] back = new byte[data.length];
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
      f.seek(8192);
      f.readFully(back);
    }
    assertThat(back).isEqualTo(data);
  }

  @Test
  void anExt4ThatNeedsAManualRepairIsNotMounted() throws IOException {
    Command.run(T, "mkfs.ext4", "-q", loop.toString()).orFail();
    Command.run(T, "debugfs", "-w", "-R", "clri <2>", loop.toString()).orFail();
    Command.run(T, "debugfs", "-w", "-R", "ssv state 2", loop.toString()).orFail();
    Filesystem fs = fs(FilesystemSpec.Type.ext4, true);

    assertThat(fs.findOrFormat(loop)).isFalse();
    assertThatThrownBy(() -> fs.check(loop))
        .satisfies(e -> assertThat(reason(e)).isEqualTo("FsckNeedsRepair"))
        .hasMessageContaining("exit 4");
    assertThat(fs.mounted()).isFalse();
  }

  @Test
  void aMissingMountPathIsRefused() throws IOException {
    Files.delete(mnt);

    assertThatThrownBy(() -> fs(FilesystemSpec.Type.ext4, true).checkMountPath())
        .satisfies(e -> assertThat(reason(e)).isEqualTo("MountPathMissing"))
        .hasMessageContaining(mnt.toString());
  }

  @Test
  void aMountPathThatIsAlreadyAMountPointIsRefused() {
    Command.run(T, "mount", "-t", "tmpfs", "hapair-test", mnt.toString()).orFail();

    assertThatThrownBy(() -> fs(FilesystemSpec.Type.ext4, true).checkMountPath())
        .satisfies(e -> assertThat(reason(e)).isEqualTo("MountPathInUse"))
        .hasMessageContaining("hapair-test");
  }

  @Test
  void aBusyUnmountFailsAndLeavesTheFilesystemMounted() throws IOException {
    Filesystem fs = fs(FilesystemSpec.Type.ext4, true);
    fs.findOrFormat(loop);
    fs.mount(loop);

    Process holder = new ProcessBuilder("sh", "-c", "cd " + mnt + " && exec sleep 60").start();
    try {
      Awaitility.await()
          .atMost(T)
          .until(
              () -> Files.readSymbolicLink(Path.of("/proc/" + holder.pid() + "/cwd")).equals(mnt));
      assertThatThrownBy(fs::unmount)
          .satisfies(e -> assertThat(reason(e)).isEqualTo("UnmountFailed"))
          .hasMessageContaining("busy");
      assertThat(fs.mounted()).isTrue();
    } finally {
      holder.destroyForcibly();
      holder.onExit().join();
    }
    fs.unmount();
    assertThat(fs.mounted()).isFalse();
  }
}
