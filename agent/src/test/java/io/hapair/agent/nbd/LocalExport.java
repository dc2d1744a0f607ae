package io.hapair.agent.nbd;

import io.hapair.agent.disk.BlockStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** An un-replicated export of a local store: the NBD layer on its own. */
public final class LocalExport implements NbdExport {
  private final String name;
  private final BlockStore store;
  volatile boolean serving = true;

  public LocalExport(String name, BlockStore store) {
    this.name = name;
    this.store = store;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return store.size();
  }

  @Override
  public boolean multiConn() {
    return true;
  }

  @Override
  public boolean mayServe() {
    return serving;
  }

  @Override
  public void read(long offset, ByteBuffer into) throws IOException {
    store.read(offset, into);
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data, boolean fua) {
    return run(
        () -> {
          store.write(offset, data);
          if (fua) {
            store.flush();
          }
        });
  }

  @Override
  public CompletableFuture<Void> writeZeroes(long offset, long length, boolean fua) {
    return run(() -> store.writeZeroes(offset, length));
  }

  @Override
  public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return run(store::flush);
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static CompletableFuture<Void> run(IoAction action) {
    try {
      action.run();
      return CompletableFuture.completedFuture(null);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new UncheckedIOException(e));
    }
  }
}
