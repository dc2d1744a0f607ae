package io.hapair.agent.volume;

import io.hapair.agent.replication.Hello;
import io.hapair.agent.replication.LinkHandshake;
import io.hapair.agent.replication.PeerSession;
import io.hapair.common.Daemons;
import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the replication link up: both nodes listen; the node with the lower name dials whenever the
 * volume has no link, with a short back-off. A failed handshake is logged and the socket closed;
 * nothing else is affected.
 */
public final class PeerConnector implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(PeerConnector.class);

  /**
   * Handshakes in progress at once. The peer needs one; anything else reaching the port is not our
   * peer, and each of its connections would otherwise hold a thread for the handshake's timeout.
   */
  static final int MAX_HANDSHAKES = 64;

  private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);

  private final ReplicatedVolume volume;
  private final VolumeConfig config;
  private final ServerSocket listener;
  private final ExecutorService threads;
  private volatile boolean closed;

  public PeerConnector(ReplicatedVolume volume) throws IOException {
    this.volume = volume;
    this.config = volume.config();
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(
        config.listen(), 2 * MAX_HANDSHAKES); // a queue that holds a burst beyond the limit
    this.threads = Executors.newCachedThreadPool(Daemons.named("repl-connect-" + config.node()));
    threads.execute(this::acceptLoop);
    if (config.dials()) {
      threads.execute(this::dialLoop);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  private LinkHandshake.Expectation expectation() {
    return new LinkHandshake.Expectation(config.pairUid(), config.group(), config.peerNode());
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket socket = listener.accept();
        if (!handshakes.tryAcquire()) {
          log.warn(
              "{}: refusing link from {}: {} handshakes in progress already",
              config.logPrefix(),
              socket.getRemoteSocketAddress(),
              MAX_HANDSHAKES);
          closeQuietly(socket);
          continue;
        }
        threads.execute(
            () -> {
              try {
                accept(socket);
              } finally {
                handshakes.release();
              }
            });
      } catch (IOException e) {
        if (!closed) {
          log.warn("{}: accept failed: {}", config.logPrefix(), e.toString());
        }
      }
    }
  }

  private void accept(Socket socket) {
    try {
      socket.setTcpNoDelay(true);
      PeerSession session =
          LinkHandshake.accept(
              socket,
              (Hello peer) -> volume.hello(LinkHandshake.nonce(), peer.nonce()),
              expectation(),
              config.pairKey(),
              config.heartbeatInterval(),
              config.deadAfter());
      volume.attach(session);
    } catch (IOException e) {
      log.warn(
          "{}: refused link from {}: {}",
          config.logPrefix(),
          socket.getRemoteSocketAddress(),
          e.getMessage());
      closeQuietly(socket);
    }
  }

  private void dialLoop() {
    long backoffMillis = 100;
    while (!closed) {
      try {
        if (!volume.wantsPeer()) {
          Thread.sleep(50);
          continue;
        }
        Socket socket = new Socket();
        try {
          socket.setTcpNoDelay(true);
          socket.connect(config.peer(), 1000);
          PeerSession session =
              LinkHandshake.dial(
                  socket,
                  volume.hello(LinkHandshake.nonce(), new byte[Hello.NONCE]),
                  expectation(),
                  config.pairKey(),
                  config.heartbeatInterval(),
                  config.deadAfter());
          volume.attach(session);
          backoffMillis = 100;
        } catch (IOException e) {
          closeQuietly(socket);
          log.debug("{}: dialing {} failed: {}", config.logPrefix(), config.peer(), e.toString());
          Thread.sleep(backoffMillis);
          backoffMillis = Math.min(1000, backoffMillis * 2);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    threads.shutdownNow();
  }
}
