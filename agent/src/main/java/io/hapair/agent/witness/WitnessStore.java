package io.hapair.agent.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The witness's records, one file per pair and group, replaced atomically (write a temporary file,
 * fsync it, rename it over the old one, fsync the directory) before any answer is sent.
 */
final class WitnessStore {
  private final Path dir;
  private final Map<String, WitnessRecord> cache = new HashMap<>();

  WitnessStore(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  private Path file(String pairUid, String group) {
    String name = pairUid + "\0" + group;
    return dir.resolve(HexFormat.of().formatHex(name.getBytes(StandardCharsets.UTF_8)) + ".record");
  }

  synchronized WitnessRecord get(String pairUid, String group) throws IOException {
    String key = pairUid + "\0" + group;
    WitnessRecord cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    Path f = file(pairUid, group);
    if (!Files.exists(f)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
    int stored = b.getInt(b.limit() - 4);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.limit() - 4);
    if ((int) crc.getValue() != stored) {
      throw new IOException(f + " fails its checksum");
    }
    b.limit(b.limit() - 4);
    WitnessRecord record = WitnessWire.getRecord(b);
    cache.put(key, record);
    return record;
  }

  synchronized void put(String group, WitnessRecord record) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4096);
    WitnessWire.putRecord(b, record);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue()).flip();
    Path target = file(record.pairUid(), group);
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      out.write(b);
      out.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
    cache.put(record.pairUid() + "\0" + group, record);
  }
}
