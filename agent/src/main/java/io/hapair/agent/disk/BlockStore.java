package io.hapair.agent.disk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A local disk: a block device or a file, addressed in bytes. */
public interface BlockStore extends Closeable {

  long size();

  /** Fills {@code into} (position to limit) from {@code offset}. */
  void read(long offset, ByteBuffer into) throws IOException;

  /** Writes all of {@code from} (position to limit) at {@code offset}, into the page cache. */
  void write(long offset, ByteBuffer from) throws IOException;

  /** Makes everything written so far durable. */
  void flush() throws IOException;

  /** Writes zeroes over a range. */
  void writeZeroes(long offset, long length) throws IOException;
}
