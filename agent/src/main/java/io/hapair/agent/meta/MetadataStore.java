package io.hapair.agent.meta;

import java.io.Closeable;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Metadata file of one volume on one node.
 *
 * <pre>
 * [0, 4096)     slot 0  } each: "HAPM" u32 format, u64 seq, the fields, CRC32C in the last 4 bytes
 * [4096, 8192)  slot 1  } written alternately and fsynced: a torn write leaves the other slot whole
 * [8192, ...)   the out-of-sync bitmap, one bit per region, written page by page
 * </pre>
 */
public final class MetadataStore implements Closeable {
  public static final int FORMAT = 1;
  static final int SLOT = 4096;
  static final int MAGIC = 0x4841504d; // "HAPM"

  /** How many activity-log extents fit in a slot with room to spare. */
  public static final int MAX_ACTIVITY_LOG = 256;

  private final FileChannel channel;
  private final Bitmap bitmap;
  private Metadata metadata;
  private long seq;

  private MetadataStore(FileChannel channel, Metadata metadata, long seq, Bitmap bitmap) {
    this.channel = channel;
    this.metadata = metadata;
    this.seq = seq;
    this.bitmap = bitmap;
  }

  /** Creates the metadata of a newly initialized disk: both slots and an empty bitmap. */
  public static MetadataStore create(Path file, Metadata initial) throws IOException {
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Bitmap bitmap = new Bitmap(initial.regions(), initial.regionSize());
    MetadataStore store = new MetadataStore(channel, initial, 0, bitmap);
    store.write(initial);
    store.write(initial);
    bitmap.clearAll();
    store.persistBitmap();
    return store;
  }

  public static MetadataStore open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      Decoded a = decodeSlot(channel, 0);
      Decoded b = decodeSlot(channel, SLOT);
      Decoded newest = a == null ? b : b == null ? a : a.seq >= b.seq ? a : b;
      if (newest == null) {
        throw new IOException(file + ": no valid metadata slot (both fail their checksum)");
      }
      Bitmap bitmap = new Bitmap(newest.metadata.regions(), newest.metadata.regionSize());
      for (int page = 0; page < bitmap.pages(); page++) {
        ByteBuffer data = ByteBuffer.allocate(Bitmap.PAGE_BYTES);
        readFully(channel, data, 2L * SLOT + (long) page * Bitmap.PAGE_BYTES);
        bitmap.orPage(page, data.array());
      }
      bitmap.takeDirtyPages();
      return new MetadataStore(channel, newest.metadata, newest.seq, bitmap);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public synchronized Metadata metadata() {
    return metadata;
  }

  public Bitmap bitmap() {
    return bitmap;
  }

  /** Persists the metadata durably before returning. */
  public synchronized void write(Metadata next) throws IOException {
    long nextSeq = seq + 1;
    ByteBuffer slot = encode(next, nextSeq);
    channel.write(slot, (nextSeq % 2) * SLOT);
    channel.force(false);
    seq = nextSeq;
    metadata = next;
  }

  /** Writes the bitmap pages changed since the last call, durably. */
  public synchronized void persistBitmap() throws IOException {
    BitSet dirty = bitmap.takeDirtyPages();
    if (dirty.isEmpty()) {
      return;
    }
    for (int page = dirty.nextSetBit(0); page >= 0; page = dirty.nextSetBit(page + 1)) {
      channel.write(
          ByteBuffer.wrap(bitmap.page(page)), 2L * SLOT + (long) page * Bitmap.PAGE_BYTES);
    }
    channel.force(false);
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }

  static ByteBuffer encode(Metadata m, long seq) {
    if (m.activityLog().size() > MAX_ACTIVITY_LOG) {
      throw new IllegalArgumentException("activity log over " + MAX_ACTIVITY_LOG + " extents");
    }
    ByteBuffer b = ByteBuffer.allocate(SLOT);
    b.putInt(MAGIC).putInt(FORMAT).putLong(seq);
    putString(b, m.pairUid());
    putString(b, m.node());
    putString(b, m.group());
    putString(b, m.diskIdentity());
    b.putLong(m.size()).putInt(m.regionSize());
    b.put((byte) m.role().ordinal()).put((byte) m.diskState().ordinal());
    b.putLong(m.highestEpoch());
    Generations g = m.generations();
    b.putLong(g.current()).putLong(g.bitmap()).putLong(g.history0()).putLong(g.history1());
    b.put((byte) (m.cleanShutdown() ? 1 : 0));
    b.putInt(m.activityLog().size());
    m.activityLog().forEach(b::putLong);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, SLOT - 4);
    b.putInt(SLOT - 4, (int) crc.getValue());
    b.clear();
    return b;
  }

  private record Decoded(Metadata metadata, long seq) {}

  private static Decoded decodeSlot(FileChannel channel, long position) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SLOT);
    if (channel.size() < position + SLOT) {
      return null;
    }
    readFully(channel, b, position);
    return decode(b.array());
  }

  /** The slot's content, or null when it is torn, foreign or of an unknown format. */
  static Decoded decode(byte[] slot) {
    CRC32C crc = new CRC32C();
    crc.update(slot, 0, SLOT - 4);
    ByteBuffer b = ByteBuffer.wrap(slot);
    if ((int) crc.getValue() != b.getInt(SLOT - 4) || b.getInt() != MAGIC) {
      return null;
    }
    try {
      int format = b.getInt();
      if (format != FORMAT) {
        return null;
      }
      long seq = b.getLong();
      String pairUid = getString(b);
      String node = getString(b);
      String group = getString(b);
      String disk = getString(b);
      long size = b.getLong();
      int regionSize = b.getInt();
      Role role = Role.values()[b.get()];
      DiskState state = DiskState.values()[b.get()];
      long epoch = b.getLong();
      Generations g = new Generations(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      boolean clean = b.get() == 1;
      int count = b.getInt();
      if (count < 0 || count > MAX_ACTIVITY_LOG) {
        return null;
      }
      List<Long> log = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        log.add(b.getLong());
      }
      return new Decoded(
          new Metadata(
              pairUid, node, group, disk, size, regionSize, role, state, epoch, g, clean, log),
          seq);
    } catch (BufferUnderflowException | ArrayIndexOutOfBoundsException e) {
      return null;
    }
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    int length = Short.toUnsignedInt(b.getShort());
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void readFully(FileChannel channel, ByteBuffer b, long position)
      throws IOException {
    while (b.hasRemaining()) {
      if (channel.read(b, position + b.position()) < 0) {
        throw new IOException("metadata file is truncated");
      }
    }
  }
}
