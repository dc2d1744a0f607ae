package io.hapair.agent.nbd;

import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Tags;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (fixed newstyle, simple replies) for one export. Plain NBD is allowed only on a
 * loopback address; anywhere else the server refuses to start without TLS.
 */
public final class NbdServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(NbdServer.class);

  /** Clients connected at once; beyond it a connection is closed at once with a log line. */
  static final int MAX_CLIENTS = 64;

  /** How long a client may take from connecting to choosing the export (TLS included). */
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final Semaphore slots = new Semaphore(MAX_CLIENTS);

  private final NbdExport export;
  private final SSLContext tls;
  private final ServerSocket listener;
  private final ExecutorService sessions;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final String logPrefix;
  private final NbdMeters meters;

  /**
   * @param tls the TLS context (server certificate, client CA); null only on loopback
   * @param meterTags the labels of the export's request and error series (the volume's)
   */
  public NbdServer(
      NbdExport export, InetSocketAddress bind, SSLContext tls, Tags meterTags, String logPrefix)
      throws IOException {
    InetAddress address = bind.getAddress();
    if (tls == null && !address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "plain NBD is allowed only on loopback; " + address + " needs TLS");
    }
    this.export = export;
    this.tls = tls;
    this.meters = new NbdMeters(meterTags);
    this.logPrefix = logPrefix;
    this.listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(bind, MAX_CLIENTS);
    AtomicInteger n = new AtomicInteger();
    this.sessions =
        Executors.newCachedThreadPool(
            r -> Daemons.named("nbd-session-" + n.incrementAndGet()).newThread(r));
    sessions.execute(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        if (!slots.tryAcquire()) {
          log.warn(
              "{}: refusing NBD connection from {}: {} clients connected already",
              logPrefix,
              socket.getRemoteSocketAddress(),
              MAX_CLIENTS);
          socket.close();
          continue;
        }
        socket.setTcpNoDelay(true);
        open.add(socket);
        sessions.execute(
            () -> {
              try {
                serve(socket);
              } finally {
                slots.release();
              }
            });
      } catch (IOException e) {
        if (!listener.isClosed()) {
          log.warn("{}: NBD accept failed: {}", logPrefix, e.toString());
        }
      }
    }
  }

  private void serve(Socket socket) {
    String client = socket.getRemoteSocketAddress().toString();
    try (socket) {
      // A client that connects and then says nothing (or stalls inside TLS) holds a slot only
      // for the handshake's timeout; once attached, an idle client is normal and has none.
      socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
      NbdConnection connection = new NbdConnection(socket);
      boolean transmit = new NbdHandshake(connection, export, tls, logPrefix, client).run();
      if (transmit) {
        connection.socket.setSoTimeout(0);
        log.info("{}: NBD client {} attached to export {}", logPrefix, client, export.name());
        new NbdTransmission(connection, export, meters, logPrefix, client).run();
      }
    } catch (NbdProtocolException e) {
      log.warn("{}: closing NBD connection from {}: {}", logPrefix, client, e.getMessage());
    } catch (IOException e) {
      log.info("{}: NBD connection from {} ended: {}", logPrefix, client, e.toString());
    } catch (RuntimeException e) {
      log.error("{}: NBD connection from {} failed", logPrefix, client, e);
    } finally {
      open.remove(socket);
    }
  }

  /** Closes the listener and every client connection (on demotion or shutdown). */
  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : open) {
      socket.close();
    }
    sessions.shutdownNow();
  }
}
