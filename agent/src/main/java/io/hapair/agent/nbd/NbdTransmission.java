package io.hapair.agent.nbd;

import io.hapair.common.Daemons;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transmission phase: requests are read in order on this thread and complete out of order;
 * replies are written by the connection's own writer thread, in the order they are ready. A
 * completion only queues its reply, so a client that stops reading stalls its own connection and
 * nothing else: never the volume's threads, its lock, its lease or a takeover. The number of
 * requests in flight per connection is bounded, so a client that sends faster than the volume
 * completes (or reads slower) is slowed down, not buffered.
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
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private volatile IOException replyFailure;

  private record Reply(long cookie, int error, byte[] data) {}

  private static final Reply END = new Reply(0, 0, null);

  NbdTransmission(
      NbdConnection c, NbdExport export, NbdMeters meters, String logPrefix, String client) {
    this.c = c;
    this.export = export;
    this.meters = meters;
    this.logPrefix = logPrefix;
    this.client = client;
  }

  void run() throws IOException {
    Thread writer = Daemons.start("nbd-replies-" + client, this::writeReplies);
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
      }
    } finally {
      // Let requests already accepted finish (bounded), so their outcome is not lost locally.
      drain();
      replies.add(END);
      joinBounded(writer);
    }
  }

  private static void joinBounded(Thread writer) {
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
      reply(cookie, 0, data.array());
    } catch (ExportUnavailableException e) {
      reply(cookie, Nbd.ESHUTDOWN, null);
    } catch (IOException e) {
      log.warn("{}: read at {} for {} failed: {}", logPrefix, offset, client, e.toString());
      reply(cookie, Nbd.EIO, null);
    }
  }

  private void complete(long cookie, CompletableFuture<Void> operation) {
    operation.whenComplete((ok, failure) -> reply(cookie, errorOf(failure), null));
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

  /** Queues one simple reply for the writer; never blocks (completions run under core state). */
  private void reply(long cookie, int error, byte[] data) {
    replies.add(new Reply(cookie, error, data));
  }

  /**
   * The writer: one reply at a time, flushed when no other is ready; a node that may no longer
   * serve answers ESHUTDOWN instead. Each written reply frees its place in flight.
   */
  private void writeReplies() {
    while (true) {
      Reply r;
      try {
        r = replies.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (r == END) {
        return;
      }
      try {
        if (replyFailure == null) {
          write(r);
          if (replies.isEmpty()) {
            c.out.flush();
          }
        }
      } catch (IOException e) {
        replyFailure = e;
      } finally {
        inFlight.release();
      }
    }
  }

  private void write(Reply r) throws IOException {
    int code = r.error() == 0 && !export.mayServe() ? Nbd.ESHUTDOWN : r.error();
    if (code != 0) {
      meters.errors(code).increment();
    }
    c.out.writeInt(Nbd.SIMPLE_REPLY_MAGIC);
    c.out.writeInt(code);
    c.out.writeLong(r.cookie());
    if (code == 0 && r.data() != null) {
      c.out.write(r.data());
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
