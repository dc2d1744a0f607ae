package io.hapair.agent.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link BlockStore} over a file or a block device, through one positional FileChannel. */
public final class FileBlockStore implements BlockStore {
  private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  private final FileChannel channel;
  private final long size;

  private FileBlockStore(FileChannel channel, long size) {
    this.channel = channel;
    this.size = size;
  }

  /** Opens an existing file or device; its size is the volume's size. */
  public static FileBlockStore open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    // size() is 0 for a block device; its end position is its size.
    long size = Files.isRegularFile(path) ? channel.size() : channel.position(0).size();
    if (size == 0 && !Files.isRegularFile(path)) {
      size = blockDeviceSize(channel);
    }
    return new FileBlockStore(channel, size);
  }

  /** Creates a sparse file of the given size (tests, demo, file-backed volumes). */
  public static FileBlockStore create(Path path, long size) throws IOException {
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    if (size > 0) {
      channel.write(ByteBuffer.wrap(new byte[1]), size - 1);
    }
    return new FileBlockStore(channel, size);
  }

  private static long blockDeviceSize(FileChannel channel) throws IOException {
    // A block device reports its size through the end of file; read() past it returns -1.
    long low = 0;
    long high = 1L << 50;
    ByteBuffer one = ByteBuffer.allocate(1);
    while (low < high) {
      long mid = (low + high + 1) >>> 1;
      one.clear();
      if (channel.read(one, mid - 1) > 0) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer into) throws IOException {
    long position = offset;
    while (into.hasRemaining()) {
      int n = channel.read(into, position);
      if (n < 0) {
        // Inside the volume but past the end of a sparse file's data: zeroes.
        while (into.hasRemaining()) {
          into.put((byte) 0);
        }
        return;
      }
      position += n;
    }
  }

  @Override
  public void write(long offset, ByteBuffer from) throws IOException {
    long position = offset;
    while (from.hasRemaining()) {
      position += channel.write(from, position);
    }
  }

  @Override
  public void flush() throws IOException {
    channel.force(false);
  }

  @Override
  public void writeZeroes(long offset, long length) throws IOException {
    long done = 0;
    while (done < length) {
      ByteBuffer chunk = ZEROES.duplicate();
      chunk.limit((int) Math.min(chunk.capacity(), length - done));
      write(offset + done, chunk);
      done += chunk.limit();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
