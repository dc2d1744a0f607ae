package io.hapair.agent.standalone;

import io.hapair.agent.nbd.NbdServer;
import io.hapair.agent.volume.ReplicatedVolume;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD export that exists only while this node holds the service group: opened when the virtual
 * IP is up (or the node became primary, for a loopback export), closed before it goes.
 */
final class RoleFollowingExport implements Consumer<Boolean>, Closeable {
  private static final Logger log = LoggerFactory.getLogger(RoleFollowingExport.class);

  private final ReplicatedVolume volume;
  private final InetSocketAddress bind;
  private final SSLContext tls;
  private final String logPrefix;
  private NbdServer server;

  RoleFollowingExport(
      ReplicatedVolume volume, InetSocketAddress bind, SSLContext tls, String logPrefix) {
    this.volume = volume;
    this.bind = bind;
    this.tls = tls;
    this.logPrefix = logPrefix;
  }

  @Override
  public synchronized void accept(Boolean holding) {
    try {
      if (holding && server == null) {
        server = new NbdServer(volume, bind, tls, volume.config().meterTags(), logPrefix);
        log.info(
            "{}: NBD export {} open on {} ({})",
            logPrefix,
            volume.name(),
            bind,
            tls == null ? "plain" : "TLS");
      } else if (!holding && server != null) {
        server.close();
        server = null;
        log.info("{}: NBD export {} closed", logPrefix, volume.name());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
