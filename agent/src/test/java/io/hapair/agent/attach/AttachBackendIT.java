package io.hapair.agent.attach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.nbd.LocalExport;
import io.hapair.agent.nbd.UnixNbdServer;
import io.hapair.agent.support.Command;
import io.hapair.agent.volume.PairLabels;
import io.micrometer.core.instrument.Tags;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each attach backend against the agent's Unix-socket NBD server: a block device appears, a write
 * to it with a flush reaches the served store, and detach releases everything. A backend this host
 * cannot use is skipped with its reason printed ("NOT exercised"), so the CI log shows which
 * backends ran; one that claims to be usable must work.
 */
class AttachBackendIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static final Tags TAGS =
      PairLabels.standalone("attach-it").tags().and("group", "vol", "node", "node-a");

  @TempDir Path dir;

  static Stream<AttachBackend> backends() {
    return AttachBackends.preferred().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aWriteThroughTheDeviceReachesTheServedStore(AttachBackend backend) throws Exception {
    Optional<String> unavailable = backend.unavailableBecause();
    System.out.println(
        "AttachBackendIT: "
            + backend.name()
            + (unavailable.isEmpty() ? " exercised" : " NOT exercised: " + unavailable.get()));
    assumeTrue(
        unavailable.isEmpty(), backend.name() + " unavailable here: " + unavailable.orElse(""));
    Path work =
        Files.createDirectory(
            dir.resolve("attach"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try (FileBlockStore store = FileBlockStore.create(dir.resolve("disk.img"), 32L << 20);
        UnixNbdServer server =
            new UnixNbdServer(
                new LocalExport("vol", store), work.resolve("vol.sock"), TAGS, "test")) {
      Attachment attachment = backend.attach(server.path(), "vol", store.size(), work, T);
      try {
        assertThat(attachment.backend()).isEqualTo(backend.name());
        assertThat(attachment.device().toString()).startsWith("/dev/");
        Command.run(
                T,
                "dd",
                "if=/dev/zero",
                "of=" + attachment.device(),
                "bs=4096",
                "count=1",
                "seek=100",
                "conv=fsync")
            .orFail();
        Command.run(
                T,
                "sh",
                "-c",
                "printf hapair | dd of=" + attachment.device() + " bs=4096 seek=7 conv=fsync")
            .orFail();
      } finally {
        attachment.detach();
      }
      ByteBuffer back = ByteBuffer.allocate(6);
      store.read(7 * 4096L, back);
      assertThat(new String(back.array())).isEqualTo("hapair");
      assertThat(Files.list(work))
          .extracting(p -> p.getFileName().toString())
          .doesNotContain("vol.fuse");
    }
  }

  @Test
  void theSocketDirectoryMustBeRootsAlone() throws Exception {
    Path open =
        Files.createDirectory(
            dir.resolve("open"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try (FileBlockStore store = FileBlockStore.create(dir.resolve("disk.img"), 1L << 20)) {
      Assertions.assertThatThrownBy(
              () ->
                  new UnixNbdServer(
                      new LocalExport("vol", store), open.resolve("vol.sock"), TAGS, "test"))
          .hasMessageContaining("only its owner can enter");
      assertThat(open.resolve("vol.sock")).doesNotExist();
    }
  }
}
