package io.hapair.agent.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.tls.TlsContexts;
import io.hapair.common.tls.PairCertificates;
import io.micrometer.core.instrument.Tags;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Certificates renewed on disk (as the agent writes them from the pair's Secret) reach new NBD
 * connections without a restart, over real TLS sockets; a connection made before keeps working.
 */
class TlsRenewalIT {
  private static final List<String> NAMES = List.of("127.0.0.1");

  @TempDir Path dir;
  Path tls;
  FileBlockStore store;
  NbdServer server;

  @BeforeEach
  void start() throws IOException {
    tls = dir.resolve("tls");
    PairCertificates.generate(tls, "test", NAMES);
    store = FileBlockStore.create(dir.resolve("disk.img"), 4 << 20);
    server =
        new NbdServer(
            new LocalExport("vol", store),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            TlsContexts.server(tls, "renewal-test"),
            Tags.of("group", "vol", "node", "renewal"),
            "renewal-test");
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    store.close();
  }

  @Test
  void aNewConnectionGetsTheRenewedCertificateAndAnOldOneKeepsWorking() throws Exception {
    BigInteger before = serial(PairCertificates.SERVER_CERT);
    try (Client old = Client.connect(server.port(), TlsContexts.client(tls))) {
      assertThat(old.serverSerial()).isEqualTo(before);
      old.write(0, (byte) 0x11);

      renew();
      BigInteger after = serial(PairCertificates.SERVER_CERT);
      assertThat(after).isNotEqualTo(before);

      // A new client (no session to resume, as a new nbdinfo or qemu process) sees the renewal.
      try (Client fresh = Client.connect(server.port(), TlsContexts.client(tls))) {
        assertThat(fresh.serverSerial()).isEqualTo(after);
        assertThat(fresh.read(0)).isEqualTo((byte) 0x11);
        fresh.write(4096, (byte) 0x22);
      }
      // The connection from before the renewal still reads and writes over its session.
      assertThat(old.serverSerial()).isEqualTo(before);
      assertThat(old.read(4096)).isEqualTo((byte) 0x22);
      old.write(8192, (byte) 0x33);
      assertThat(old.read(8192)).isEqualTo((byte) 0x33);
    }
  }

  @Test
  void aCertificateWithoutItsKeyYetIsNotUsed() throws Exception {
    BigInteger before = serial(PairCertificates.SERVER_CERT);
    Path next = dir.resolve("next");
    PairCertificates.generate(next, "test", NAMES);
    // The new CA in the bundle, the new server certificate, but still the old key.
    bundle(next);
    copy(next, PairCertificates.SERVER_CERT);

    try (Client c = Client.connect(server.port(), TlsContexts.client(tls))) {
      assertThat(c.serverSerial()).isEqualTo(before);
    }

    copy(next, PairCertificates.SERVER_KEY);
    try (Client c = Client.connect(server.port(), TlsContexts.client(tls))) {
      assertThat(c.serverSerial()).isEqualTo(serial(PairCertificates.SERVER_CERT));
      assertThat(c.serverSerial()).isNotEqualTo(before);
    }
  }

  @Test
  void aClientCertificateOfAnotherCaIsStillRefusedAfterARenewal() throws Exception {
    renew();
    Path stranger = dir.resolve("stranger");
    PairCertificates.generate(stranger, "other", NAMES);
    // It trusts the server (the pair's bundle), but its own certificate is from another CA.
    Files.copy(
        tls.resolve(PairCertificates.CA_CERT),
        stranger.resolve(PairCertificates.CA_CERT),
        StandardCopyOption.REPLACE_EXISTING);

    ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
    serverLog.start();
    Logger logger = (Logger) LoggerFactory.getLogger(NbdServer.class);
    logger.addAppender(serverLog);
    try {
      // TLS 1.3: the server judges the client's certificate after the client has sent it; the
      // client sees an alert or a closed socket, depending on timing. The server says why.
      assertThatThrownBy(
              () -> {
                try (SSLSocket socket =
                    Client.startTls(server.port(), TlsContexts.client(stranger))) {
                  socket.getInputStream().read();
                }
              })
          .isInstanceOf(IOException.class);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(serverLog.list)
                      .extracting(ILoggingEvent::getFormattedMessage)
                      .anySatisfy(m -> assertThat(m).contains("ended").contains("PKIX path")));
    } finally {
      logger.detachAppender(serverLog);
    }
  }

  /** A renewal as the operator makes it: a new CA and new leaves; the bundle trusts both CAs. */
  private void renew() throws IOException {
    Path next = dir.resolve("renewed");
    PairCertificates.generate(next, "test", NAMES);
    bundle(next);
    for (String file :
        List.of(
            PairCertificates.SERVER_CERT,
            PairCertificates.SERVER_KEY,
            PairCertificates.CLIENT_CERT,
            PairCertificates.CLIENT_KEY)) {
      copy(next, file);
    }
  }

  private void bundle(Path next) throws IOException {
    Files.writeString(
        tls.resolve(PairCertificates.CA_CERT),
        Files.readString(next.resolve(PairCertificates.CA_CERT))
            + Files.readString(tls.resolve(PairCertificates.CA_CERT)));
  }

  private void copy(Path from, String file) throws IOException {
    Path temp = tls.resolve(file + ".tmp");
    Files.copy(from.resolve(file), temp);
    Files.move(temp, tls.resolve(file), StandardCopyOption.REPLACE_EXISTING);
  }

  private BigInteger serial(String file) throws IOException {
    try (InputStream in = Files.newInputStream(tls.resolve(file))) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getSerialNumber();
    } catch (CertificateException e) {
      throw new IOException(e);
    }
  }

  /** An NBD client by hand: STARTTLS, then GO for "vol", then single-byte reads and writes. */
  private static final class Client implements AutoCloseable {
    final SSLSocket socket;
    final DataInputStream in;
    final DataOutputStream out;
    long handle;

    private Client(SSLSocket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = new DataOutputStream(socket.getOutputStream());
    }

    static Client connect(int port, SSLContext context) throws IOException {
      Client client = new Client(startTls(port, context));
      byte[] name = "vol".getBytes(StandardCharsets.US_ASCII);
      byte[] go = new byte[4 + name.length + 2];
      go[3] = (byte) name.length;
      System.arraycopy(name, 0, go, 4, name.length);
      option(client.out, Nbd.OPT_GO, go);
      ack(client.in);
      return client;
    }

    /** The greeting, NBD_OPT_STARTTLS and the TLS handshake. */
    static SSLSocket startTls(int port, SSLContext context) throws IOException {
      Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
      plain.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(plain.getInputStream());
      DataOutputStream out = new DataOutputStream(plain.getOutputStream());
      assertThat(in.readLong()).isEqualTo(Nbd.NBDMAGIC);
      assertThat(in.readLong()).isEqualTo(Nbd.IHAVEOPT);
      in.readShort();
      out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
      option(out, Nbd.OPT_STARTTLS, new byte[0]);
      ack(in);
      SSLSocket socket =
          (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
      socket.setUseClientMode(true);
      try {
        socket.startHandshake();
      } catch (SSLException e) {
        plain.close();
        throw e;
      }
      return socket;
    }

    private static void option(DataOutputStream out, int option, byte[] data) throws IOException {
      out.writeLong(Nbd.IHAVEOPT);
      out.writeInt(option);
      out.writeInt(data.length);
      out.write(data);
      out.flush();
    }

    private static void ack(DataInputStream in) throws IOException {
      for (int i = 0; i < 10; i++) {
        assertThat(in.readLong()).isEqualTo(Nbd.OPTION_REPLY_MAGIC);
        in.readInt();
        int type = in.readInt();
        in.skipNBytes(in.readInt());
        if (type == Nbd.REP_ACK) {
          return;
        }
        assertThat(type).as("option reply type").isEqualTo(Nbd.REP_INFO);
      }
      throw new AssertionError("no ACK");
    }

    BigInteger serverSerial() throws IOException {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    void write(long offset, byte value) throws IOException {
      byte[] block = new byte[4096];
      Arrays.fill(block, value);
      request(Nbd.CMD_WRITE, offset, block.length);
      out.write(block);
      out.flush();
      reply();
    }

    byte read(long offset) throws IOException {
      request(Nbd.CMD_READ, offset, 4096);
      out.flush();
      reply();
      byte[] block = in.readNBytes(4096);
      return block[0];
    }

    private void request(int command, long offset, int length) throws IOException {
      out.writeInt(Nbd.REQUEST_MAGIC);
      out.writeShort(0);
      out.writeShort(command);
      out.writeLong(++handle);
      out.writeLong(offset);
      out.writeInt(length);
    }

    private void reply() throws IOException {
      assertThat(in.readInt()).isEqualTo(Nbd.SIMPLE_REPLY_MAGIC);
      assertThat(in.readInt()).as("NBD error").isZero();
      assertThat(in.readLong()).isEqualTo(handle);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
