package io.hapair.agent.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.disk.FileBlockStore;
import io.hapair.agent.support.Command;
import io.micrometer.core.instrument.Tags;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated bytes thrown at the NBD server's handshake and request decoding: each
 * connection ends cleanly, the disk is untouched and real clients are served afterwards.
 */
class NbdFuzzIT {
  @TempDir Path dir;

  @Test
  void randomClientsNeverHurtTheServerOrTheDisk() throws Exception {
    try (FileBlockStore store = FileBlockStore.create(dir.resolve("disk.img"), 8 << 20);
        NbdServer server =
            new NbdServer(
                new LocalExport("vol", store),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                null,
                Tags.of("group", "vol", "node", "fuzz"),
                "fuzz")) {
      String before = NbdServerIT.sha256(dir.resolve("disk.img"));
      Random random = new Random(11);
      for (int i = 0; i < 300; i++) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
          socket.setSoTimeout(2000);
          InputStream in = socket.getInputStream();
          in.readNBytes(18); // the server's greeting
          DataOutputStream out = new DataOutputStream(socket.getOutputStream());
          if (i % 3 != 0) {
            // A plausible start (fixed newstyle, GO for "vol"), then garbage requests.
            out.writeInt(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES);
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(Nbd.OPT_GO);
            out.writeInt(9);
            out.writeInt(3);
            out.writeBytes("vol");
            out.writeShort(0);
          }
          byte[] junk = new byte[random.nextInt(400)];
          random.nextBytes(junk);
          if (junk.length >= 8 && i % 2 == 0) {
            junk[0] = 0x25; // a request magic, so the garbage reaches request decoding
            junk[1] = 0x60;
            junk[2] = (byte) 0x95;
            junk[3] = 0x13;
            junk[7] = 1; // WRITE
          }
          out.write(junk);
          out.flush();
          socket.shutdownOutput();
          while (in.read() >= 0) {
            // drain until the server closes
          }
        } catch (IOException e) {
          // the server closed first: fine
        }
      }
      assertThat(NbdServerIT.sha256(dir.resolve("disk.img"))).isEqualTo(before);
      Command.run(Duration.ofSeconds(30), "nbdinfo", "nbd://127.0.0.1:" + server.port() + "/vol")
          .orFail();
    }
  }
}
