package io.hapair.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HelloTest {
  static Hello sample() {
    return new Hello(
        1,
        1,
        new byte[16],
        new byte[16],
        "uid",
        "vol",
        "node-a",
        Role.PRIMARY,
        DiskState.UP_TO_DATE,
        1 << 30,
        4096,
        5,
        5,
        new Generations(1, 2, 3, 4),
        2,
        9);
  }

  @Test
  void roundTrips() throws Exception {
    assertThat(Hello.decode(sample().encode())).usingRecursiveComparison().isEqualTo(sample());
  }

  @Test
  void truncatedOrPaddedHellosAreRejected() {
    ByteBuffer b = sample().encode();
    ByteBuffer cut = ByteBuffer.wrap(b.array(), 0, b.limit() - 1).slice();
    assertThatThrownBy(() -> Hello.decode(cut)).hasMessageContaining("truncated");
    ByteBuffer padded = ByteBuffer.allocate(b.limit() + 1).put(b.duplicate()).put((byte) 0).flip();
    assertThatThrownBy(() -> Hello.decode(padded)).hasMessageContaining("extra bytes");
  }

  @Test
  void randomBytesNeverDecodeSilentlyWrong() {
    Random random = new Random(3);
    for (int i = 0; i < 5_000; i++) {
      byte[] junk = new byte[random.nextInt(160)];
      random.nextBytes(junk);
      try {
        Hello.decode(ByteBuffer.wrap(junk));
      } catch (ReplicationProtocolException expected) {
        // refused
      }
    }
  }
}
