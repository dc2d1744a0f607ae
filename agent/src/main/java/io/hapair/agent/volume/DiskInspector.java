package io.hapair.agent.volume;

import io.hapair.agent.disk.BlockStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decides whether a disk without hapair metadata may be initialized: only when blank. Blank means
 * its first MiB is zeroes, which no filesystem, partition table, LVM or LUKS header leaves; a known
 * signature is named in the refusal.
 */
final class DiskInspector {
  private static final int PROBE = 1 << 20;

  private DiskInspector() {}

  static boolean isBlank(BlockStore store) throws IOException {
    ByteBuffer head = head(store);
    while (head.hasRemaining()) {
      if (head.get() != 0) {
        return false;
      }
    }
    return true;
  }

  static Optional<String> signature(BlockStore store) throws IOException {
    ByteBuffer b = head(store);
    if (b.limit() >= 1082
        && Short.toUnsignedInt(b.order(ByteOrder.LITTLE_ENDIAN).getShort(1080)) == 0xEF53) {
      return Optional.of("ext2/3/4 filesystem");
    }
    b.order(ByteOrder.BIG_ENDIAN);
    if (startsWith(b, 0, "XFSB")) {
      return Optional.of("XFS filesystem");
    }
    if (startsWith(b, 0, "LUKS")) {
      return Optional.of("LUKS header");
    }
    if (startsWith(b, 512, "EFI PART")) {
      return Optional.of("GPT partition table");
    }
    if (startsWith(b, 512, "LABELONE")) {
      return Optional.of("LVM physical volume");
    }
    if (startsWith(b, 65600, "_BHRfS_M")) {
      return Optional.of("btrfs filesystem");
    }
    if (startsWith(b, 4086, "SWAPSPACE2")) {
      return Optional.of("swap area");
    }
    if (b.limit() >= 512 && b.get(510) == 0x55 && b.get(511) == (byte) 0xAA) {
      return Optional.of("MBR partition table or boot sector");
    }
    return Optional.empty();
  }

  private static boolean startsWith(ByteBuffer b, int at, String magic) {
    byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
    if (b.limit() < at + m.length) {
      return false;
    }
    for (int i = 0; i < m.length; i++) {
      if (b.get(at + i) != m[i]) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer head(BlockStore store) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) Math.min(PROBE, store.size()));
    store.read(0, b);
    return b.flip();
  }
}
