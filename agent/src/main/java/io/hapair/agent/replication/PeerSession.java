package io.hapair.agent.replication;

import io.hapair.common.Daemons;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An open replication link after its handshake. Frames go out in the order they are queued (the
 * write-ordering guarantee rests on it) from one sender thread; frames come in on one receiver
 * thread. Every frame must carry the session's epoch. The link pings every interval; whether the
 * peer is still there is its owner's call ({@link #lastReceivedNanos()}), which also weighs the UDP
 * heartbeat path. Closed once, with a reason.
 */
public final class PeerSession implements Closeable {

  /** What the volume does with the link. */
  public interface Listener {
    void onFrame(PeerSession session, Frame frame) throws IOException;

    void onClosed(PeerSession session, String reason);

    /** The peer answered a ping this node sent at {@code sentNanos} (its monotonic clock). */
    default void onPong(PeerSession session, long sentNanos) {}

    /**
     * Whether to answer the peer's ping. An answer to a primary is a grant not to promote for a
     * term, so a node that has started to promote answers no more.
     */
    default boolean answerPing(PeerSession session) {
      return true;
    }
  }

  private record Outgoing(
      FrameType type, int flags, Supplier<ByteBuffer[]> payload, Runnable onSent) {}

  private static final Outgoing STOP = new Outgoing(FrameType.BYE, 0, () -> null, null);

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final FrameCodec reader;
  private final FrameCodec writer;
  private final Hello local;
  private final Hello peer;
  private final long epoch;
  private final Duration pingInterval;
  private volatile long lastReceivedNanos = System.nanoTime();
  private final BlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Listener listener;

  PeerSession(
      Socket socket,
      DataInputStream in,
      DataOutputStream out,
      byte[] sessionKey,
      Hello local,
      Hello peer,
      long epoch,
      Duration pingInterval) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.reader = new FrameCodec(sessionKey);
    this.writer = new FrameCodec(sessionKey);
    this.local = local;
    this.peer = peer;
    this.epoch = epoch;
    this.pingInterval = pingInterval;
  }

  /** The protocol version both ends speak: the highest in both HELLOs' ranges. */
  public int version() {
    return Math.min(local.maxVersion(), peer.maxVersion());
  }

  public Hello peer() {
    return peer;
  }

  public Hello local() {
    return local;
  }

  public long epoch() {
    return epoch;
  }

  /** When the last frame arrived (monotonic clock), or when the session began. */
  public long lastReceivedNanos() {
    return lastReceivedNanos;
  }

  public boolean isOpen() {
    return !closed.get();
  }

  public void start(Listener listener) {
    this.listener = listener;
    Daemons.start("repl-send-" + peer.node(), this::sendLoop);
    Daemons.start("repl-recv-" + peer.node(), this::receiveLoop);
  }

  /**
   * Queues a frame whose payload is the concatenation of {@code parts}; {@code onSent} runs once it
   * is written to the socket (protocol A).
   */
  public void send(FrameType type, int flags, Runnable onSent, ByteBuffer... parts) {
    sendLater(type, flags, () -> parts, onSent);
  }

  /** Queues a frame whose payload is produced when its turn comes (resync reads). */
  public void sendLater(
      FrameType type, int flags, Supplier<ByteBuffer[]> payload, Runnable onSent) {
    if (!closed.get()) {
      queue.add(new Outgoing(type, flags, payload, onSent));
    }
  }

  private void sendLoop() {
    long lastPing = System.nanoTime() - pingInterval.toNanos();
    try {
      while (!closed.get()) {
        // Pings go out every interval whatever else is queued: the primary's lease rides on them.
        if (System.nanoTime() - lastPing >= pingInterval.toNanos()) {
          lastPing = System.nanoTime();
          writer.write(out, FrameType.PING, 0, epoch, ByteBuffer.allocate(8).putLong(0, lastPing));
          out.flush();
        }
        Outgoing next = queue.poll(pingInterval.toMillis(), TimeUnit.MILLISECONDS);
        if (next == STOP) {
          return;
        }
        if (next == null) {
          continue;
        }
        writer.write(out, next.type(), next.flags(), epoch, next.payload().get());
        if (next.onSent() != null) {
          next.onSent().run();
        }
        if (queue.isEmpty()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      close("send failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close("sender interrupted");
    } catch (RuntimeException e) {
      close("sender failed: " + e);
    }
  }

  private void receiveLoop() {
    try {
      socket.setSoTimeout(0); // the handshake's timeout; silence is judged by the owner
      while (!closed.get()) {
        Frame frame = reader.read(in);
        lastReceivedNanos = System.nanoTime();
        if (frame.epoch() != epoch) {
          throw new ReplicationProtocolException(
              frame.type() + " from epoch " + frame.epoch() + " in a session of epoch " + epoch);
        }
        switch (frame.type()) {
          case PING -> {
            if (listener.answerPing(this)) {
              send(FrameType.PONG, 0, null, frame.payload());
            }
          }
          case PONG -> listener.onPong(this, frame.payload().getLong(0));
          case BYE -> throw new ReplicationProtocolException("peer said goodbye: " + text(frame));
          case HELLO -> throw new ReplicationProtocolException("HELLO inside a session");
          default -> listener.onFrame(this, frame);
        }
      }
    } catch (ReplicationProtocolException e) {
      close("protocol violation: " + e.getMessage());
    } catch (IOException e) {
      close(
          e instanceof EOFException
              ? "closed by " + peer.node()
              : "link lost: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
    } catch (RuntimeException e) {
      close("receiver failed: " + e);
    }
  }

  private static String text(Frame frame) {
    return StandardCharsets.UTF_8.decode(frame.payload()).toString();
  }

  public void close(String reason) {
    if (closed.compareAndSet(false, true)) {
      queue.clear();
      queue.add(STOP);
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      if (listener != null) {
        listener.onClosed(this, reason);
      }
    }
  }

  @Override
  public void close() {
    close("closed locally");
  }
}
