package io.hapair.agent.volume;

import io.hapair.agent.disk.BlockStore;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.replication.Frame;
import io.hapair.agent.replication.FrameType;
import io.hapair.agent.replication.PeerSession;
import io.hapair.agent.replication.ReplicationProtocolException;
import io.hapair.api.v1alpha1.VerifyAlgorithm;
import io.hapair.common.Daemons;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secondary's side of one session: applies the primary's stream strictly in order on one
 * thread, so its disk only ever holds a prefix of what the primary submitted, and acknowledges each
 * step. A bounded queue makes a slow disk slow the link down instead of filling memory.
 */
final class SecondaryApplier {
  private static final Logger log = LoggerFactory.getLogger(SecondaryApplier.class);
  private static final long POLL_MILLIS = 20;

  /** What the applier needs of its volume beyond the disk. */
  interface Target {
    void becomingInconsistent() throws IOException;

    void resyncCompleted(Generations sourceGenerations) throws IOException;

    void diskFailed(IOException e);
  }

  private final PeerSession session;
  private final BlockStore store;
  private final Target target;
  private final boolean receiveAcks;
  private final int regionSize;
  private final String logPrefix;
  private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(512);
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private volatile boolean finishing;

  SecondaryApplier(
      PeerSession session,
      BlockStore store,
      Target target,
      boolean receiveAcks,
      int regionSize,
      String logPrefix) {
    this.session = session;
    this.store = store;
    this.target = target;
    this.receiveAcks = receiveAcks;
    this.regionSize = regionSize;
    this.logPrefix = logPrefix;
    Daemons.start("repl-apply-" + session.peer().node(), this::applyLoop);
  }

  /**
   * Called on the receiver thread; blocks while the queue is full. Under protocol B the frame is
   * acknowledged once queued: from then on it is applied even if the link goes ({@link #finish()}
   * drains the queue, it never drops it).
   */
  void enqueue(Frame frame) throws IOException {
    try {
      queue.put(frame);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
    if (receiveAcks && frame.type() != FrameType.BITMAP) {
      session.send(FrameType.RECEIVE_ACK, 0, null, idOf(frame));
    }
  }

  /**
   * No more frames come (the link closed, or this node promotes): applies what is queued, then
   * ends. {@link #finished()} says when.
   */
  void finish() {
    finishing = true;
  }

  /**
   * Completes once every queued frame is on the disk, or exceptionally if the disk failed: then
   * this node lacks frames it may have acknowledged and must not promote.
   */
  CompletableFuture<Void> finished() {
    return finished;
  }

  private static ByteBuffer idOf(Frame frame) {
    return ByteBuffer.allocate(8).putLong(0, frame.payload().getLong(0));
  }

  private void applyLoop() {
    try {
      while (true) {
        Frame frame = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (frame == null) {
          if (finishing) {
            finished.complete(null);
            return;
          }
          continue;
        }
        apply(frame);
      }
    } catch (ReplicationProtocolException e) {
      session.close("protocol violation: " + e.getMessage());
      finished.complete(null); // a broken stream: what came before it is applied
    } catch (IOException e) {
      log.error("{}: local disk failed applying the peer's stream: {}", logPrefix, e.toString());
      session.close("local disk failed");
      target.diskFailed(e);
      finished.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished.completeExceptionally(e);
    } catch (BufferUnderflowException e) {
      session.close("protocol violation: truncated frame");
      finished.complete(null);
    }
  }

  private void apply(Frame frame) throws IOException {
    ByteBuffer p = frame.payload();
    long id = p.getLong();
    boolean fua = (frame.flags() & Frame.FLAG_FUA) != 0;
    switch (frame.type()) {
      case WRITE -> {
        long offset = p.getLong();
        checkRange(offset, p.remaining());
        store.write(offset, p);
        if (fua) {
          store.flush();
        }
        ack(FrameType.WRITE_ACK, id);
      }
      case ZEROES -> {
        long offset = p.getLong();
        long length = p.getLong();
        checkRange(offset, length);
        store.writeZeroes(offset, length);
        if (fua) {
          store.flush();
        }
        ack(FrameType.WRITE_ACK, id);
      }
      case FLUSH -> {
        store.flush();
        ack(FrameType.FLUSH_ACK, id);
      }
      case RESYNC_DATA -> {
        long offset = p.getLong();
        int length = p.getInt();
        boolean zero = p.get() == 1;
        checkRange(offset, length);
        if (!zero && p.remaining() != length) {
          throw new ReplicationProtocolException("RESYNC_DATA length does not match its data");
        }
        target.becomingInconsistent();
        if (zero) {
          store.writeZeroes(offset, length);
        } else {
          store.write(offset, p);
        }
        ack(FrameType.WRITE_ACK, id);
      }
      case RESYNC_DONE -> {
        Generations source = new Generations(p.getLong(), p.getLong(), p.getLong(), p.getLong());
        store.flush();
        target.resyncCompleted(source);
        ack(FrameType.FLUSH_ACK, id);
      }
      case VERIFY -> {
        long offset = p.getLong();
        long length = p.getLong();
        checkRange(offset, length);
        if (length > 32 << 20) {
          throw new ReplicationProtocolException("VERIFY of " + length + " bytes");
        }
        ByteBuffer data = ByteBuffer.allocate((int) length);
        store.read(offset, data);
        VerifyAlgorithm algorithm =
            (frame.flags() & ReplicatedVolume.VERIFY_SHA256) != 0
                ? VerifyAlgorithm.SHA256
                : VerifyAlgorithm.CRC32C;
        byte[] digests = RegionDigests.of(data.flip(), regionSize, algorithm);
        session.send(
            FrameType.VERIFY_ACK,
            0,
            null,
            ByteBuffer.allocate(8).putLong(0, id),
            ByteBuffer.wrap(digests));
      }
      default -> throw new ReplicationProtocolException(frame.type() + " sent to a secondary");
    }
  }

  private void checkRange(long offset, long length) throws ReplicationProtocolException {
    if (offset < 0 || length < 0 || offset > store.size() - length) {
      throw new ReplicationProtocolException(
          "range " + offset + "+" + length + " outside the volume of " + store.size() + " bytes");
    }
  }

  private void ack(FrameType type, long id) {
    session.send(type, 0, null, ByteBuffer.allocate(8).putLong(0, id));
  }
}
