package io.hapair.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The qemu-io helper against a raw image file: what it verifies and what a failure says. */
class QemuIoTest {
  @TempDir Path dir;

  private String image() throws IOException {
    Path file = dir.resolve("disk.img");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(1 << 20);
    }
    return file.toString();
  }

  @Test
  void aWrittenPatternReadsBack() throws IOException {
    String image = image();
    QemuIo.write(image, 0x5a, "64k", "64k");

    QemuIo.read(image, 0x5a, "64k", "64k");
    assertThat(QemuIo.reads(image, 0x5a, "0", "4k")).isFalse();
  }

  @Test
  void aReadOfAnotherPatternFailsWithQemuIosOwnWords() throws IOException {
    String image = image();

    assertThatThrownBy(() -> QemuIo.read(image, 0x11, "0", "4k"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("read -P 0x11 0 4k exited 1")
        .hasMessageContaining("Pattern verification failed at offset 0");
  }

  @Test
  void aFailedOpenNamesTheCauseFromStderr() {
    assertThatThrownBy(() -> QemuIo.write(dir.resolve("absent.img").toString(), 1, "0", "4k"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("stderr: qemu-io: can't open device");
  }
}
