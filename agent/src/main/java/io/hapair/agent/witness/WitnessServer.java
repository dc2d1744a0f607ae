package io.hapair.agent.witness;

import io.hapair.agent.replication.Frame;
import io.hapair.agent.replication.FrameCodec;
import io.hapair.agent.replication.FrameType;
import io.hapair.agent.replication.ReplicationProtocolException;
import io.hapair.common.Daemons;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone witness: the third vote for pairs outside Kubernetes. It keeps one record per pair
 * and group, changes it only by compare-and-swap of the whole record, and answers only after the
 * change is on disk.
 */
public final class WitnessServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(WitnessServer.class);

  /**
   * Connections served at once. Agents open one per call and close it after the answer, so even a
   * witness of a hundred pairs has a few at a time; beyond this, a connection is closed at once
   * instead of getting a thread of its own.
   */
  static final int MAX_CONNECTIONS = 256;

  private static final Set<FrameType> REQUESTS =
      EnumSet.of(FrameType.WITNESS_READ, FrameType.WITNESS_CAS);

  private final ServerSocket listener;
  private final WitnessStore store;
  private final byte[] key;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
  private volatile boolean closed;

  public WitnessServer(InetSocketAddress bind, Path stateDir, byte[] key) throws IOException {
    this.store = new WitnessStore(stateDir);
    this.key = key;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(bind, MAX_CONNECTIONS);
    this.threads = Executors.newCachedThreadPool(Daemons.named("witness"));
    threads.execute(this::acceptLoop);
    log.info("witness listening on {}, state in {}", listener.getLocalSocketAddress(), stateDir);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = listener.accept();
        if (!connections.tryAcquire()) {
          log.warn(
              "witness: refusing connection from {}: {} connections open already",
              socket.getRemoteSocketAddress(),
              MAX_CONNECTIONS);
          socket.close();
          continue;
        }
        threads.execute(
            () -> {
              try {
                serve(socket);
              } finally {
                connections.release();
              }
            });
      } catch (IOException e) {
        if (!closed) {
          log.warn("witness accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket socket) {
    open.add(socket);
    try (socket) {
      socket.setSoTimeout(5000);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
      FrameCodec reader = new FrameCodec(key, REQUESTS);
      FrameCodec writer = new FrameCodec(key);
      while (!closed) {
        Frame request;
        try {
          request = reader.read(in);
        } catch (EOFException e) {
          return;
        }
        ByteBuffer reply = ByteBuffer.allocate(4096);
        int flags = request.flags() & WitnessWire.FLAG_NONCE;
        if (flags != 0) {
          echoNonce(request.payload(), reply);
        }
        FrameType type = answer(request, reply);
        writer.write(out, type, flags, 0, reply.flip());
        out.flush();
      }
    } catch (ReplicationProtocolException e) {
      log.warn(
          "witness: closing connection from {}: {}",
          socket.getRemoteSocketAddress(),
          e.getMessage());
    } catch (IOException e) {
      log.debug(
          "witness: connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
    }
  }

  /**
   * The stored record, or the initial one stored first. Checked and created under the same lock as
   * a swap: two first reads racing with a promotion must not store the initial record over it.
   */
  private WitnessRecord readOrCreate(String group, WitnessRecord initial) throws IOException {
    synchronized (store) {
      WitnessRecord stored = store.get(initial.pairUid(), group);
      if (stored != null) {
        return stored;
      }
      WitnessRecord created =
          new WitnessRecord(
              initial.pairUid(), initial.epoch(), initial.primary(), initial.upToDate(), "1");
      store.put(group, created);
      log.info("witness: new record for pair {} group {}: {}", created.pairUid(), group, created);
      return created;
    }
  }

  /** Copies the request's nonce to the start of the answer, binding one to the other. */
  private static void echoNonce(ByteBuffer request, ByteBuffer reply)
      throws ReplicationProtocolException {
    if (request.remaining() < WitnessWire.NONCE_BYTES) {
      throw new ReplicationProtocolException("witness request too short for its nonce");
    }
    byte[] nonce = new byte[WitnessWire.NONCE_BYTES];
    request.get(nonce);
    reply.put(nonce);
  }

  private FrameType answer(Frame request, ByteBuffer reply) throws IOException {
    ByteBuffer p = request.payload();
    String group = WitnessWire.getString(p);
    switch (request.type()) {
      case WITNESS_READ -> {
        WitnessRecord initial = WitnessWire.getRecord(p);
        WitnessWire.putRecord(reply, readOrCreate(group, initial));
        return FrameType.WITNESS_RECORD;
      }
      case WITNESS_CAS -> {
        String expected = WitnessWire.getString(p);
        WitnessRecord next = WitnessWire.getRecord(p);
        synchronized (store) {
          WitnessRecord stored = store.get(next.pairUid(), group);
          if (stored == null || !stored.version().equals(expected)) {
            return refuse(
                reply,
                true,
                "record is at version " + (stored == null ? "none" : stored.version()));
          }
          WitnessRecord written =
              new WitnessRecord(
                  next.pairUid(),
                  next.epoch(),
                  next.primary(),
                  next.upToDate(),
                  Long.toString(Long.parseLong(stored.version()) + 1));
          store.put(group, written);
          log.info("witness: pair {} group {}: {}", written.pairUid(), group, written);
          WitnessWire.putRecord(reply, written);
          return FrameType.WITNESS_RECORD;
        }
      }
      default -> throw new ReplicationProtocolException(request.type() + " sent to the witness");
    }
  }

  private static FrameType refuse(ByteBuffer reply, boolean conflict, String reason) {
    reply.put((byte) (conflict ? 1 : 0));
    WitnessWire.putString(reply, reason.length() > 200 ? reason.substring(0, 200) : reason);
    return FrameType.WITNESS_REFUSED;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
    threads.shutdownNow();
  }
}
