package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.FaultyBlockStore;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An NBD client that sends requests and never reads a reply stalls its own connection only: the
 * volume keeps serving others and keeps its lease.
 */
class StuckClientIT {
  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final int REQUEST_MAGIC = 0x25609513;

  @TempDir Path dir;
  PairHarness pair;

  @AfterEach
  void stop() {
    pair.close();
  }

  @Test
  void aClientThatStopsReadingDoesNotWedgeTheVolume() throws Exception {
    pair = new PairHarness(dir, Protocol.C, "stuck client key".getBytes());
    FaultyBlockStore[] diskOfA = new FaultyBlockStore[1];
    pair.a.disks = d -> diskOfA[0] = new FaultyBlockStore(d);
    pair.startInSync(pair.arbiter, pair.arbiter);
    diskOfA[0].slowWrites(Duration.ofMillis(20)); // its writes complete after its reads block

    try (Socket stuck = new Socket(InetAddress.getLoopbackAddress(), pair.a.nbd.port())) {
      stuck.setReceiveBufferSize(4096);
      DataOutputStream out = new DataOutputStream(stuck.getOutputStream());
      handshake(stuck, out);
      for (int i = 0; i < 20; i++) {
        request(out, 1, i, (long) i << 20, 4096); // WRITE
        out.write(new byte[4096]);
      }
      for (int i = 0; i < 60; i++) {
        request(out, 0, 100 + i, 0, 32 << 20); // READ of 32 MiB, never read back
      }
      out.flush();
      await().atMost(Duration.ofSeconds(5)).until(() -> diskOfA[0].writes() >= 20);

      // Another client of the volume, the lease and the stream go on.
      pair.a
          .volume
          .write(40L << 20, ByteBuffer.wrap(new byte[4096]), true)
          .get(5, TimeUnit.SECONDS);
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> pair.a.volume.mayServe());
      assertThat(pair.a.volume.peerState()).isEqualTo(ReplicatedVolume.PeerState.CONNECTED);
    }
  }

  private static void handshake(Socket socket, DataOutputStream out) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    in.readNBytes(18); // greeting
    out.writeInt(1 | 2); // fixed newstyle, no zeroes
    out.writeLong(IHAVEOPT);
    out.writeInt(7); // OPT_GO
    out.writeInt(9);
    out.writeInt(3);
    out.writeBytes("vol");
    out.writeShort(0);
    out.flush();
    for (int replies = 0; replies < 16; replies++) {
      in.readLong(); // option reply magic
      in.readInt(); // option
      int type = in.readInt();
      byte[] data = new byte[in.readInt()];
      in.readFully(data);
      if (type == 1) { // NBD_REP_ACK
        return;
      }
    }
    throw new IOException("no ACK to OPT_GO");
  }

  private static void request(DataOutputStream out, int type, long cookie, long offset, int length)
      throws IOException {
    out.writeInt(REQUEST_MAGIC);
    out.writeShort(0);
    out.writeShort(type);
    out.writeLong(cookie);
    out.writeLong(offset);
    out.writeInt(length);
  }
}
