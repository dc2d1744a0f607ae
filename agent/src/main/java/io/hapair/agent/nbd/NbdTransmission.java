package io.hapair.agent.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transmission phase: requests are read in order on this thread and complete out of order;
 * replies are written one at a time. The number of requests in flight per connection is bounded, so
 * a client that sends faster than the volume completes is slowed down, not buffered.
 */
final class NbdTransmission {
  private static final Logger log = LoggerFactory.getLogger(NbdTransmission.class);
  private static final int MAX_IN_FLIGHT = 128;

  private final NbdConnection c;
  private final NbdExport export;
  private final NbdMeters meters;
  private final String logPrefix;
  private final String client;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final Object replyLock = new Object();
  private volatile IOException replyFailure;

  NbdTransmission(
      NbdConnection c, NbdExport export, NbdMeters meters, String logPrefix, String client) {
    this.c = c;
    this.export = export;
    this.meters = meters;
    this.logPrefix = logPrefix;
    this.client = client;
  }

  void run() throws IOException {
    try {
      while (true) {
        if (replyFailure != null) {
          throw replyFailure;
        }
        int magic = c.in.readInt();
        if (magic != Nbd.REQUEST_MAGIC) {
          throw new NbdProtocolException("bad request magic 0x" + Integer.toHexString(magic));
        }
        int flags = c.in.readUnsignedShort();
        int type = c.in.readUnsignedShort();
        long cookie = c.in.readLong();
        long offset = c.in.readLong();
        long length = Integer.toUnsignedLong(c.in.readInt());
        if (type == Nbd.CMD_DISC) {
          log.info("{}: NBD client {} disconnected", logPrefix, client);
          return;
        }
        acquire();
        meters.requests(type).increment();
        try {
          dispatch(flags, type, cookie, offset, length);
        } catch (IOException e) {
          inFlight.release(); // the request died before anything could reply to it
          throw e;
        }
        if (c.in.available() == 0) {
          flushReplies(); // nothing more queued by the client: send what this thread wrote
        }
      }
    } finally {
      // Let requests already accepted finish (bounded), so their outcome is not lost locally.
      drain();
    }
  }

  private void dispatch(int flags, int type, long cookie, long offset, long length)
      throws IOException {
    boolean fua = (flags & Nbd.CMD_FLAG_FUA) != 0;
    switch (type) {
      case Nbd.CMD_WRITE -> {
        if (length > Nbd.MAX_PAYLOAD) {
          throw new NbdProtocolException("write of " + length + " bytes exceeds the 32 MiB limit");
        }
        byte[] data = new byte[(int) length];
        c.in.readFully(data);
        if (!inRange(offset, length)) {
          reply(cookie, Nbd.ENOSPC, null);
          return;
        }
        complete(cookie, export.write(offset, ByteBuffer.wrap(data), fua));
      }
      case Nbd.CMD_READ -> {
        if (length > Nbd.MAX_PAYLOAD || !inRange(offset, length)) {
          reply(cookie, Nbd.EINVAL, null);
          return;
        }
        // Page-cache reads are microseconds: serving them here avoids a thread hand-off.
        read(cookie, offset, (int) length);
      }
      case Nbd.CMD_FLUSH -> complete(cookie, export.flush());
      case Nbd.CMD_TRIM, Nbd.CMD_WRITE_ZEROES -> {
        if (!inRange(offset, length)) {
          reply(cookie, Nbd.EINVAL, null);
          return;
        }
        complete(
            cookie,
            type == Nbd.CMD_TRIM
                ? export.trim(offset, length, fua)
                : export.writeZeroes(offset, length, fua));
      }
      default -> reply(cookie, Nbd.EINVAL, null);
    }
  }

  private boolean inRange(long offset, long length) {
    return offset >= 0 && length >= 0 && offset <= export.size() - length;
  }

  private void read(long cookie, long offset, int length) {
    ByteBuffer data = ByteBuffer.allocate(length);
    try {
      export.read(offset, data);
      reply(cookie, 0, data.array(), false);
    } catch (ExportUnavailableException e) {
      reply(cookie, Nbd.ESHUTDOWN, null, false);
    } catch (IOException e) {
      log.warn("{}: read at {} for {} failed: {}", logPrefix, offset, client, e.toString());
      reply(cookie, Nbd.EIO, null, false);
    }
  }

  private void complete(long cookie, CompletableFuture<Void> operation) {
    operation.whenComplete((ok, failure) -> reply(cookie, errorOf(failure), null, true));
  }

  private int errorOf(Throwable failure) {
    if (failure == null) {
      return 0;
    }
    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
    if (cause instanceof ExportUnavailableException) {
      return Nbd.ESHUTDOWN;
    }
    log.warn("{}: request from {} failed: {}", logPrefix, client, cause.toString());
    return Nbd.EIO;
  }

  private void reply(long cookie, int error, byte[] data) {
    reply(cookie, error, data, false);
  }

  /**
   * Writes one simple reply; a node that may no longer serve answers ESHUTDOWN instead. Replies
   * written on the session thread are flushed when the client has nothing more queued.
   */
  private void reply(long cookie, int error, byte[] data, boolean flush) {
    int code = error == 0 && !export.mayServe() ? Nbd.ESHUTDOWN : error;
    if (code != 0) {
      meters.errors(code).increment();
    }
    try {
      synchronized (replyLock) {
        c.out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
        c.out.writeInt(code);
        c.out.writeLong(cookie);
        if (code == 0 && data != null) {
          c.out.write(data);
        }
        if (flush) {
          c.out.flush();
        }
      }
    } catch (IOException e) {
      replyFailure = e;
    } finally {
      inFlight.release();
    }
  }

  private void flushReplies() {
    try {
      synchronized (replyLock) {
        c.out.flush();
      }
    } catch (IOException e) {
      replyFailure = e;
    }
  }

  private void acquire() throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void drain() {
    try {
      if (inFlight.tryAcquire(MAX_IN_FLIGHT, 30, TimeUnit.SECONDS)) {
        inFlight.release(MAX_IN_FLIGHT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
