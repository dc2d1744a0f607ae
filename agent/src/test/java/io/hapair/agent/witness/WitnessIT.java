package io.hapair.agent.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hapair.agent.replication.FrameCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone witness over real sockets and files. */
class WitnessIT {
  private static final byte[] KEY = "pair key for the witness tests!".getBytes();
  private static final WitnessRecord INITIAL =
      new WitnessRecord("uid", 0, "", Set.of("node-a", "node-b"), "");
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir Path dir;

  private static InetSocketAddress local(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  private static RemoteArbiter client(int port, byte[] key) {
    return new RemoteArbiter(local(port), "vol", INITIAL, key, TIMEOUT);
  }

  @Test
  void aReplayedAnswerIsNotTrusted() throws Exception {
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY);
        ReplayingProxy proxy = new ReplayingProxy(local(witness.port()))) {
      RemoteArbiter direct = client(witness.port(), KEY);
      RemoteArbiter throughProxy = client(proxy.port(), KEY);
      WitnessRecord first = direct.read().get();
      // The proxy records the answer "up to date: node-a, node-b" ...
      assertThat(throughProxy.read().get()).isEqualTo(first);
      direct.compareAndSwap(first, first.withoutUpToDate("node-b")).get();

      // ... and replays it once node-b is outdated: the client must not believe it.
      assertThatThrownBy(() -> throughProxy.read().get())
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(OutcomeUnknownException.class)
          .hasMessageContaining("not bound to this request");
    }
  }

  /** A header claiming a 32 MiB frame of a type the witness never takes ends the connection. */
  @Test
  void aFrameThatIsNoWitnessCallIsRefusedFromItsHeader() throws Exception {
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), witness.port())) {
      socket.setSoTimeout(3000); // the witness itself gives up on a silent client after 5 s
      ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER).putInt(FrameCodec.MAGIC);
      header.put((byte) 2).put((byte) 0).putShort((short) 0).putLong(0).putLong(1);
      header.putInt(FrameCodec.MAX_PAYLOAD).putInt(0);
      socket.getOutputStream().write(header.array());

      // Closed without waiting for the payload (and without a 32 MiB buffer for it).
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(client(witness.port(), KEY).read().get().epoch()).isZero();
    }
  }

  /** Connections beyond the limit are closed at once; the witness keeps answering. */
  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY)) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < WitnessServer.MAX_CONNECTIONS; i++) {
          idle.add(new Socket(InetAddress.getLoopbackAddress(), witness.port()));
        }
        try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), witness.port())) {
          extra.setSoTimeout(3000);
          InputStream in = extra.getInputStream();
          assertThat(in.read()).isEqualTo(-1);
        }
      } finally {
        for (Socket socket : idle) {
          socket.close();
        }
      }
      // The slots come back when the idle connections end.
      assertThat(client(witness.port(), KEY).read())
          .succeedsWithin(Duration.ofSeconds(10))
          .extracting(WitnessRecord::epoch)
          .isEqualTo(0L);
    }
  }

  @Test
  void compareAndSwapWinsOnceWithTheVersionItRead() throws Exception {
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY)) {
      RemoteArbiter a = client(witness.port(), KEY);
      RemoteArbiter b = client(witness.port(), KEY);
      WitnessRecord read = a.read().get();
      assertThat(read.epoch()).isZero();

      WitnessRecord won = a.compareAndSwap(read, read.promoted("node-a")).get();

      assertThat(won.epoch()).isEqualTo(1);
      assertThat(won.primary()).isEqualTo("node-a");
      assertThat(b.compareAndSwap(read, read.promoted("node-b")))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ConflictException.class);
      assertThat(b.read().get().primary()).isEqualTo("node-a");
    }
  }

  @Test
  void aRecordSurvivesAWitnessRestart() throws Exception {
    int port;
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY)) {
      port = witness.port();
      RemoteArbiter a = client(port, KEY);
      a.compareAndSwap(a.read().get(), a.read().get().promoted("node-b")).get();
    }
    try (WitnessServer again = new WitnessServer(local(0), dir, KEY)) {
      WitnessRecord read = client(again.port(), KEY).read().get();
      assertThat(read.epoch()).isEqualTo(1);
      assertThat(read.primary()).isEqualTo("node-b");
      assertThat(read.upToDate()).containsExactly("node-b");
    }
  }

  @Test
  void noAnswerInTimeIsAnUnknownOutcome() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(client(silent.getLocalPort(), KEY).read())
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(OutcomeUnknownException.class);
    }
  }

  @Test
  void aRequestWithoutThePairKeyChangesNothing() throws Exception {
    try (WitnessServer witness = new WitnessServer(local(0), dir, KEY)) {
      RemoteArbiter stranger = client(witness.port(), "another key".getBytes());
      WitnessRecord read = client(witness.port(), KEY).read().get();

      assertThat(stranger.compareAndSwap(read, read.promoted("node-b")))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(OutcomeUnknownException.class);
      assertThat(client(witness.port(), KEY).read().get()).isEqualTo(read);
    }
  }
}
