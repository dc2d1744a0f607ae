package io.hapair.agent.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.support.Command;
import io.hapair.agent.support.Command.Result;
import io.hapair.common.QemuIo;
import io.micrometer.core.instrument.Tags;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NBD server against Debian's real clients: libnbd, qemu and fio, on loopback. */
class NbdServerIT {
  private static final long SIZE = 64L << 20;
  private static final Duration T = Duration.ofSeconds(60);

  @TempDir Path dir;
  FileBlockStore store;
  LocalExport export;
  NbdServer server;
  String uri;

  @BeforeEach
  void start() throws IOException {
    assertThat(Command.installed("nbdinfo"))
        .as("libnbd-bin is not installed: run make deps")
        .isTrue();
    store = FileBlockStore.create(dir.resolve("disk.img"), SIZE);
    export = new LocalExport("vol", store);
    server =
        new NbdServer(
            export,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            null,
            Tags.of("group", "vol", "node", "test"),
            "test");
    uri = "nbd://127.0.0.1:" + server.port() + "/vol";
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
      store.close();
    }
  }

  @Test
  void nbdinfoSeesTheExportSizeAndFlags() {
    Result info = Command.run(T, "nbdinfo", "--json", uri).orFail();

    assertThat(info.stdout())
        .contains("\"export-size\": " + SIZE)
        .contains("\"can_flush\": true")
        .contains("\"can_fua\": true")
        .contains("\"can_zero\": true")
        .contains("\"can_trim\": true");
  }

  @Test
  void listingExportsIsRefused() {
    Result list = Command.run(T, "nbdinfo", "--list", "nbd://127.0.0.1:" + server.port());

    assertThat(list.stdout()).doesNotContain("vol");
  }

  @Test
  void anUnknownExportIsRefused() {
    Result info = Command.run(T, "nbdinfo", "nbd://127.0.0.1:" + server.port() + "/other");

    assertThat(info.exit()).isNotZero();
    assertThat(info.stderr()).contains("other");
  }

  @Test
  void nbdcopyRoundTripsRandomData() throws Exception {
    Path source = dir.resolve("source.bin");
    byte[] data = new byte[(int) SIZE];
    new Random(42).nextBytes(data);
    Files.write(source, data);
    Path back = dir.resolve("back.bin");

    Command.run(T, "nbdcopy", source.toString(), uri).orFail();
    Command.run(T, "nbdcopy", uri, back.toString()).orFail();

    assertThat(sha256(back)).isEqualTo(sha256(source));
    assertThat(sha256(dir.resolve("disk.img"))).isEqualTo(sha256(source));
  }

  @Test
  void qemuIoWritesReadsZeroesAndDiscards() {
    QemuIo.Result io =
        QemuIo.run(
                uri,
                "write -P 0xab 0 1M",
                "write -P 0xcd -f 1M 64k",
                "flush",
                "read -P 0xab 0 1M",
                "read -P 0xcd 1M 64k",
                "write -z 0 4k",
                "read -P 0 0 4k",
                "discard 2M 1M")
            .orFail();

    assertThat(io.stdout()).doesNotContain("Pattern verification failed");
    assertThat(io.stderr()).isEmpty();
  }

  @Test
  void fioVerifiesRandomWritesAtQueueDepth16() {
    assertThat(Command.installed("fio")).as("fio is not installed: run make deps").isTrue();
    Result fio =
        Command.run(
                T,
                "fio",
                "--name=verify",
                "--ioengine=nbd",
                "--uri=" + uri,
                "--rw=randwrite",
                "--bs=4k",
                "--size=16M",
                "--iodepth=16",
                "--verify=crc32c",
                "--do_verify=1")
            .orFail();

    assertThat(fio.stdout()).contains("verify").doesNotContain("verify failed");
  }

  @Test
  void outOfRangeRequestsGetEinvalAndTheConnectionLives() {
    Result sh =
        Command.run(
                T,
                "env", // Debian's nbdsh needs Debian's python3, which has the nbd module
                "PATH=/usr/bin:/bin",
                "nbdsh",
                "-u",
                uri,
                "-c",
                "h.set_strict_mode(0)\n" // let the bad request reach the server
                    + "try:\n"
                    + "    h.pread(4096, h.get_size() - 1)\n"
                    + "    print('no error')\n"
                    + "except nbd.Error as e:\n"
                    + "    print('errno', e.errno)\n"
                    + "print('still', len(h.pread(4096, 0)))")
            .orFail();

    assertThat(sh.stdout()).contains("errno EINVAL").contains("still 4096");
  }

  @Test
  void aMalformedRequestClosesOnlyThatConnectionAndTouchesNothing() throws Exception {
    QemuIo.write(uri, 0x5a, "0", "64k");
    String before = sha256(dir.resolve("disk.img"));

    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      raw.setSoTimeout(5000);
      DataInputStream in = new DataInputStream(raw.getInputStream());
      DataOutputStream out = new DataOutputStream(raw.getOutputStream());
      enterTransmission(in, out);
      // A write request with a wrong magic and a payload that must not reach the disk.
      assertThat(closedByServer(in, out, request(0xdeadbeef, 4096))).isTrue();
    }

    assertThat(sha256(dir.resolve("disk.img"))).isEqualTo(before);
    QemuIo.read(uri, 0x5a, "0", "64k");
  }

  @Test
  void anOversizedWriteClosesTheConnection() throws Exception {
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      raw.setSoTimeout(5000);
      DataInputStream in = new DataInputStream(raw.getInputStream());
      DataOutputStream out = new DataOutputStream(raw.getOutputStream());
      enterTransmission(in, out);
      assertThat(closedByServer(in, out, request(Nbd.REQUEST_MAGIC, Integer.MAX_VALUE))).isTrue();
    }
    Command.run(T, "nbdinfo", uri).orFail();
  }

  @Test
  void aNodeThatMayNotServeRefusesNewClients() {
    export.serving = false;

    Result info = Command.run(T, "nbdinfo", uri);

    assertThat(info.exit()).isNotZero();
    assertThat(info.stderr()).contains("server replied with error to opt_go");
  }

  /** Clients beyond the limit are closed at once; the slots come back when clients leave. */
  @Test
  void clientsBeyondTheLimitAreClosedAtOnce() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < NbdServer.MAX_CLIENTS; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        idle.add(socket);
        // Each holds a slot once the server greets it.
        socket.setSoTimeout(5000);
        new DataInputStream(socket.getInputStream()).readLong();
      }
      try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        extra.setSoTimeout(5000);
        assertThat(extra.getInputStream().read()).isEqualTo(-1);
      }
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
    await().atMost(T).until(() -> Command.run(T, "nbdinfo", uri).exit() == 0);
  }

  /** A client that connects and says nothing is let go after the handshake timeout. */
  @Test
  void aSilentClientIsClosedAfterTheHandshakeTimeout() throws Exception {
    try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      silent.setSoTimeout((int) NbdServer.HANDSHAKE_TIMEOUT.multipliedBy(2).toMillis());
      DataInputStream in = new DataInputStream(silent.getInputStream());
      long started = System.nanoTime();
      in.skipNBytes(18); // NBDMAGIC, IHAVEOPT, the handshake flags
      assertThat(in.read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(NbdServer.HANDSHAKE_TIMEOUT.minusSeconds(1));
    }
  }

  @Test
  void plainNbdOffLoopbackIsRefused() {
    Assertions.assertThatThrownBy(
            () ->
                new NbdServer(
                    export, new InetSocketAddress("0.0.0.0", 0), null, Tags.empty(), "test"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs TLS");
  }

  /** A WRITE request header with the given magic and length, followed by 4 KiB of payload. */
  private static byte[] request(int magic, int length) {
    return ByteBuffer.allocate(28 + 4096)
        .putInt(magic)
        .putShort((short) 0)
        .putShort((short) Nbd.CMD_WRITE)
        .putLong(1)
        .putLong(0)
        .putInt(length)
        .array();
  }

  /**
   * Sends the bytes and tells whether the server closed the connection: end of stream, or a reset
   * while the bytes were still being written (the server may close at the first word).
   */
  private static boolean closedByServer(DataInputStream in, DataOutputStream out, byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      out.write(new byte[4096]);
      out.flush();
    } catch (IOException closedWhileWriting) {
      return true;
    }
    try {
      return in.read() == -1;
    } catch (IOException reset) {
      return true;
    }
  }

  /** The fixed newstyle handshake by hand: NBD_OPT_GO for "vol", no information requests. */
  private static void enterTransmission(DataInputStream in, DataOutputStream out)
      throws IOException {
    in.readLong(); // NBDMAGIC
    in.readLong(); // IHAVEOPT
    in.readShort();
    out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
    out.writeLong(Nbd.IHAVEOPT);
    out.writeInt(Nbd.OPT_GO);
    out.writeInt(4 + 3 + 2);
    out.writeInt(3);
    out.writeBytes("vol");
    out.writeShort(0);
    out.flush();
    skipOptionRepliesUntilAck(in);
  }

  private static void skipOptionRepliesUntilAck(DataInputStream in) throws IOException {
    for (int i = 0; i < 10; i++) {
      assertThat(in.readLong()).isEqualTo(Nbd.OPTION_REPLY_MAGIC);
      in.readInt();
      int type = in.readInt();
      in.skipNBytes(in.readInt());
      if (type == Nbd.REP_ACK) {
        return;
      }
    }
    throw new AssertionError("no ACK");
  }

  static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
