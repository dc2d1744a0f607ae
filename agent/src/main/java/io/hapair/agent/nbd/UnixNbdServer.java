package io.hapair.agent.nbd;

import io.hapair.common.Daemons;
import io.micrometer.core.instrument.Tags;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same NBD server as {@link NbdServer} (same handshake, same transmission, the same export and
 * so the same replication and durability) on a Unix socket, for this node's own block device: no
 * TLS, because only root can reach the socket (a 0700 directory, a 0600 socket).
 */
public final class UnixNbdServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(UnixNbdServer.class);

  private final NbdExport export;
  private final NbdMeters meters;
  private final Path path;
  private final ServerSocketChannel listener;
  private final ExecutorService sessions;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final String logPrefix;

  /**
   * @param path the socket; its directory must be root's alone (checked)
   */
  public UnixNbdServer(NbdExport export, Path path, Tags meterTags, String logPrefix)
      throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Set<PosixFilePermission> dirPerms = Files.getPosixFilePermissions(dir);
    if (!PosixFilePermissions.toString(dirPerms).endsWith("------")) {
      throw new IOException(
          dir
              + " is "
              + PosixFilePermissions.toString(dirPerms)
              + ": a local NBD socket needs a directory that only its owner can enter");
    }
    this.export = export;
    this.meters = new NbdMeters(meterTags); // the export's own series: one volume, two doors
    this.path = path;
    this.logPrefix = logPrefix;
    Files.deleteIfExists(path); // a socket left by a killed agent
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(path), 16);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    AtomicInteger n = new AtomicInteger();
    this.sessions =
        Executors.newCachedThreadPool(
            r -> Daemons.named("nbd-local-" + n.incrementAndGet()).newThread(r));
    sessions.execute(this::acceptLoop);
  }

  public Path path() {
    return path;
  }

  private void acceptLoop() {
    while (listener.isOpen()) {
      try {
        SocketChannel channel = listener.accept();
        open.add(channel);
        sessions.execute(() -> serve(channel));
      } catch (IOException e) {
        if (listener.isOpen()) {
          log.warn("{}: local NBD accept on {} failed: {}", logPrefix, path, e.toString());
        }
      }
    }
  }

  private void serve(SocketChannel channel) {
    String client = "unix:" + path;
    try (channel) {
      NbdConnection connection = new NbdConnection(new ChannelIn(channel), new ChannelOut(channel));
      boolean transmit = new NbdHandshake(connection, export, null, logPrefix, client).run();
      if (transmit) {
        log.info("{}: local NBD client on {} attached to {}", logPrefix, path, export.name());
        new NbdTransmission(connection, export, meters, logPrefix, client).run();
      }
    } catch (NbdProtocolException e) {
      log.warn("{}: closing local NBD connection on {}: {}", logPrefix, path, e.getMessage());
    } catch (IOException e) {
      log.info("{}: local NBD connection on {} ended: {}", logPrefix, path, e.toString());
    } catch (RuntimeException e) {
      log.error("{}: local NBD connection on {} failed", logPrefix, path, e);
    } finally {
      open.remove(channel);
    }
  }

  /** Closes the listener, every client connection, and removes the socket file. */
  @Override
  public void close() throws IOException {
    listener.close();
    for (SocketChannel channel : open) {
      channel.close();
    }
    sessions.shutdownNow();
    Files.deleteIfExists(path);
  }

  /**
   * The channel's reads, without the blocking lock that {@code Channels.newInputStream} takes on
   * Java 17 (it would block replies written from another thread while a read waits).
   */
  private static final class ChannelIn extends InputStream {
    private final SocketChannel channel;

    ChannelIn(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return channel.read(ByteBuffer.wrap(b, off, len));
    }
  }

  private static final class ChannelOut extends OutputStream {
    private final SocketChannel channel;

    ChannelOut(SocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }
}
