package io.hapair.agent.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * What the NBD server serves: a local volume, or the replicated volume on the primary. Writes
 * complete asynchronously so that many can be in flight; the future completes when the write may be
 * acknowledged under the volume's durability rules.
 */
public interface NbdExport {

  String name();

  long size();

  /** Whether a FLUSH on one connection covers writes acknowledged on the others. */
  boolean multiConn();

  /** Whether this node may answer now (primary, lease valid). Checked before every reply. */
  boolean mayServe();

  void read(long offset, ByteBuffer into) throws IOException;

  /** {@code data} belongs to the export once passed. */
  CompletableFuture<Void> write(long offset, ByteBuffer data, boolean fua);

  CompletableFuture<Void> writeZeroes(long offset, long length, boolean fua);

  /** A discard hint; may be a no-op, but must leave both nodes identical. */
  CompletableFuture<Void> trim(long offset, long length, boolean fua);

  /** Every write acknowledged before this call is durable when the future completes. */
  CompletableFuture<Void> flush();
}
