package io.hapair.agent.standalone;

import io.hapair.common.Daemons;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone agent's control socket: a Unix domain socket in its state directory, readable by its
 * owner only (root), so that a person on the node can act on the running agent (drbdadm's role for
 * DRBD). One request line, one answer line: {@code ok ...} or {@code error ...}.
 */
public final class ControlSocket implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);
  static final String FILE = "control.sock";
  private static final int MAX_LINE = 1024;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);

  private final ServerSocketChannel server;
  private final Path path;
  private final Function<String, CompletableFuture<String>> handler;
  private volatile boolean closed;

  private ControlSocket(
      ServerSocketChannel server, Path path, Function<String, CompletableFuture<String>> handler) {
    this.server = server;
    this.path = path;
    this.handler = handler;
  }

  /** Listens in {@code stateDir}; {@code handler} answers a request line (or fails). */
  public static ControlSocket open(
      Path stateDir, Function<String, CompletableFuture<String>> handler) throws IOException {
    Path path = stateDir.resolve(FILE);
    Files.deleteIfExists(path); // left by a process that died
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    ControlSocket control = new ControlSocket(server, path, handler);
    Daemons.start("control-socket", control::acceptLoop);
    return control;
  }

  /** Sends one request to the agent whose state directory is {@code stateDir}; its answer. */
  public static String ask(Path stateDir, String request) throws IOException {
    try (SocketChannel channel =
        SocketChannel.open(UnixDomainSocketAddress.of(stateDir.resolve(FILE)))) {
      channel.write(StandardCharsets.UTF_8.encode(request + "\n"));
      return readLine(channel);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try (SocketChannel client = server.accept()) {
        String request = readLine(client);
        String answer = answer(request);
        client.write(StandardCharsets.UTF_8.encode(answer + "\n"));
      } catch (IOException e) {
        if (!closed) {
          log.warn("control socket {}: {}", path, e.getMessage());
        }
      }
    }
  }

  private String answer(String request) {
    log.info("control socket: {}", request);
    try {
      return "ok " + handler.apply(request).get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return "error " + e.getCause().getMessage();
    } catch (TimeoutException e) {
      return "error no answer within " + ANSWER_WITHIN.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "error interrupted";
    } catch (RuntimeException e) {
      return "error " + e.getMessage();
    }
  }

  private static String readLine(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_LINE);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
      int end = buffer.position();
      if (end > 0 && buffer.get(end - 1) == '\n') {
        break;
      }
    }
    buffer.flip();
    return StandardCharsets.UTF_8.decode(buffer).toString().strip();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    Files.deleteIfExists(path);
  }
}
