package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.FrameType;
import io.hapair.agent.replication.Hello;
import io.hapair.agent.replication.LinkHandshake;
import io.hapair.agent.replication.RawPeer;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone on the replication port who is not a well-behaved peer: the secondary closes that
 * connection with a reason, writes nothing to its disk, and keeps working with the real primary.
 */
class HostilePeerIT {
  @TempDir Path dir;
  PairHarness pair;
  String diskBefore;

  @BeforeEach
  void start() throws Exception {
    pair = PairHarness.started(dir, Protocol.C);
    pair.a.stop(); // node-b keeps listening, with epoch 1 seen
    diskBefore = pair.b.sha256();
  }

  @AfterEach
  void stop() {
    pair.close();
  }

  private RawPeer connect() throws IOException {
    return new RawPeer(new Socket(InetAddress.getLoopbackAddress(), pair.b.port));
  }

  private Hello asPrimary(long epoch) {
    return asPrimary(epoch, 1, 1);
  }

  private Hello asPrimary(long epoch, int minVersion, int maxVersion) {
    var g = pair.b.volume.metadata().generations();
    return new Hello(
        minVersion,
        maxVersion,
        LinkHandshake.nonce(),
        new byte[16],
        PairHarness.PAIR,
        "vol",
        "node-a",
        Role.PRIMARY,
        DiskState.UP_TO_DATE,
        PairHarness.SIZE,
        4096,
        epoch,
        epoch,
        g,
        Protocol.C.ordinal(),
        0);
  }

  private void assertUntouchedAndStillWorking() throws Exception {
    assertThat(pair.b.sha256()).isEqualTo(diskBefore);
    pair.a.start(pair.arbiter);
    pair.a.promoteAndExport();
    pair.awaitInSync(pair.a);
  }

  @Test
  void aPeerWithoutThePairKeyIsRefused() throws Exception {
    try (RawPeer peer = connect()) {
      assertThat(peer.handshake(asPrimary(1), "wrong key".getBytes())).isFalse();
    }
    assertUntouchedAndStillWorking();
  }

  @Test
  void aPeerSpeakingOnlyANewerProtocolIsRefused() throws Exception {
    try (RawPeer peer = connect()) {
      // node-b answers no HELLO: there is no version both speak.
      assertThat(peer.handshake(asPrimary(2, 3, 3), pair.key)).isFalse();
    }
    assertUntouchedAndStillWorking();
  }

  @Test
  void aPrimaryFromAnOlderEpochIsRefused() throws Exception {
    try (RawPeer peer = connect()) {
      peer.handshake(asPrimary(0), pair.key);
      assertThat(peer.closedByPeer()).isTrue();
    }
    assertUntouchedAndStillWorking();
  }

  @Test
  void aFrameFromAnotherEpochClosesTheLink() throws Exception {
    try (RawPeer peer = connect()) {
      assertThat(peer.handshake(asPrimary(1), pair.key)).isTrue();
      peer.send(
          FrameType.WRITE,
          0,
          0,
          ByteBuffer.allocate(16).putLong(1).putLong(0).flip(),
          ByteBuffer.allocate(4096));
      assertThat(peer.closedByPeer()).isTrue();
    }
    assertUntouchedAndStillWorking();
  }

  @Test
  void aWriteOutsideTheVolumeClosesTheLink() throws Exception {
    try (RawPeer peer = connect()) {
      assertThat(peer.handshake(asPrimary(1), pair.key)).isTrue();
      peer.send(
          FrameType.WRITE,
          0,
          1,
          ByteBuffer.allocate(16).putLong(1).putLong(PairHarness.SIZE - 100).flip(),
          ByteBuffer.allocate(4096));
      assertThat(peer.closedByPeer()).isTrue();
    }
    assertUntouchedAndStillWorking();
  }

  @Test
  void garbageOnThePortIsRefused() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), pair.b.port)) {
      socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3).getBytes());
      socket.setSoTimeout(5000);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertUntouchedAndStillWorking();
  }

  /**
   * Idle connections beyond the handshake limit are closed at once instead of holding a thread
   * each; once they are gone the real peer links again.
   */
  @Test
  void connectionsBeyondTheHandshakeLimitAreClosedAtOnce() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < PeerConnector.MAX_HANDSHAKES; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), pair.b.port));
      }
      try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), pair.b.port)) {
        // Well before the handshake timeout that ends the idle ones.
        extra.setSoTimeout((int) pair.b.volume.config().deadAfter().toMillis() / 2);
        assertThat(extra.getInputStream().read()).isEqualTo(-1);
      }
    } finally {
      for (Socket socket : idle) {
        socket.close();
      }
    }
    assertUntouchedAndStillWorking();
  }
}
