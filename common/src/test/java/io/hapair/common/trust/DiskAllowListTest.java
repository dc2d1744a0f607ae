package io.hapair.common.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allow-list by name (what the operator checks) and on the node, with real links in a temp
 * directory: "dev" plays /dev (by-id links to devices), "disks" a directory of file-backed disks.
 */
class DiskAllowListTest {
  @TempDir Path tmp;
  Path root;
  Path dev;
  Path disks;

  @BeforeEach
  void layout() throws IOException {
    root = tmp.toRealPath();
    dev = Files.createDirectories(root.resolve("dev"));
    Files.createDirectories(dev.resolve("disk/by-id"));
    Files.createFile(dev.resolve("sda"));
    Files.createFile(dev.resolve("sdb"));
    Files.createSymbolicLink(dev.resolve("disk/by-id/wwn-data"), dev.resolve("sdb"));
    disks = Files.createDirectories(root.resolve("disks"));
    Files.createFile(disks.resolve("a.img"));
  }

  private DiskAllowList list(String... entries) {
    return DiskAllowList.of(List.of(entries), dev);
  }

  @Test
  void byNameAGlobMatchesWithinOneSegment() {
    DiskAllowList byId = DiskAllowList.of(List.of("/dev/disk/by-id/wwn-*"));

    assertThat(byId.refusal("/dev/disk/by-id/wwn-0x5000c500a1b2c3d4")).isEmpty();
    assertThat(byId.refusal("/dev/disk/by-id/nvme-x")).isPresent();
    assertThat(byId.refusal("/dev/disk/by-id/wwn-x/deeper")).isPresent();
    assertThat(byId.refusal("/dev/sda")).get().asString().contains("outside");
  }

  @Test
  void byNameDotDotIsResolvedBeforeMatching() {
    DiskAllowList byId = DiskAllowList.of(List.of("/dev/disk/by-id/*"));

    assertThat(byId.refusal("/dev/disk/by-id/../../sda"))
        .get()
        .asString()
        .contains("that is /dev/sda");
    assertThat(DiskAllowList.of(List.of("/var/lib/hapair/")).refusal("/var/lib/hapair/../../etc"))
        .isPresent();
  }

  @Test
  void byNameRelativePathsAndAnEmptyListAreRefused() {
    assertThat(DiskAllowList.of(List.of("/dev/**")).refusal("dev/sda"))
        .get()
        .asString()
        .contains("not an absolute path");
    assertThat(DiskAllowList.of(List.of()).refusal("/dev/sda"))
        .get()
        .asString()
        .contains("no disk is allowed");
  }

  @Test
  void entriesMustBeAbsoluteAndNormalised() {
    assertThatThrownBy(() -> DiskAllowList.of(List.of("dev/*")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DiskAllowList.of(List.of("/dev/disk/../*")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onTheNodeADeviceLinkLeadsToItsDevice() throws IOException {
    assertThat(list(dev + "/disk/by-id/*").resolve(dev + "/disk/by-id/wwn-data"))
        .isEqualTo(dev.resolve("sdb"));
  }

  @Test
  void onTheNodeDotDotOutOfTheLinkDirectoryIsRefused() {
    assertThatThrownBy(() -> list(dev + "/disk/by-id/*").resolve(dev + "/disk/by-id/../../sda"))
        .isInstanceOf(DiskAllowList.DiskNotAllowedException.class)
        .hasMessageContaining("that is " + dev.resolve("sda"));
  }

  @Test
  void onTheNodeALinkInADiskDirectoryMayNotLeadOut() throws IOException {
    Files.createSymbolicLink(disks.resolve("evil.img"), dev.resolve("sda"));

    assertThatThrownBy(() -> list(disks + "/").resolve(disks + "/evil.img"))
        .isInstanceOf(DiskAllowList.DiskNotAllowedException.class)
        .hasMessageContaining("leads to " + dev.resolve("sda"));
    assertThat(list(disks + "/").resolve(disks + "/a.img")).isEqualTo(disks.resolve("a.img"));
  }

  @Test
  void onTheNodeALinkOutOfTheDeviceDirectoryIsRefused() throws IOException {
    Path secret = Files.writeString(root.resolve("shadow"), "root:x");
    Files.createSymbolicLink(dev.resolve("disk/by-id/wwn-shadow"), secret);

    assertThatThrownBy(() -> list(dev + "/disk/by-id/*").resolve(dev + "/disk/by-id/wwn-shadow"))
        .isInstanceOf(DiskAllowList.DiskNotAllowedException.class)
        .hasMessageContaining("leads to " + secret);
  }

  @Test
  void onTheNodeALinkedDiskDirectoryIsFollowed() throws IOException {
    Path linkedDir = Files.createSymbolicLink(root.resolve("hapair"), disks);

    assertThat(list(linkedDir + "/").resolve(linkedDir + "/a.img"))
        .isEqualTo(disks.resolve("a.img"));
  }

  @Test
  void onTheNodeADirectoryIsNotADisk() {
    assertThatThrownBy(() -> list(root + "/**").resolve(disks.toString()))
        .isInstanceOf(DiskAllowList.DiskNotAllowedException.class)
        .hasMessageContaining("is a directory");
  }

  @Test
  void onTheNodeAMissingDiskIsAnErrorNotAnAllowance() {
    assertThatThrownBy(() -> list(disks + "/").resolve(disks + "/missing.img"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(DiskAllowList.DiskNotAllowedException.class);
  }
}
