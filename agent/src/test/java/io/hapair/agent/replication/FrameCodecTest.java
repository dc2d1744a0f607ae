package io.hapair.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static final byte[] KEY = "k".repeat(32).getBytes();

  private static byte[] encode(
      FrameCodec codec, FrameType type, int flags, long epoch, ByteBuffer... parts)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    codec.write(out, type, flags, epoch, parts);
    out.flush();
    return bytes.toByteArray();
  }

  private static Frame decode(FrameCodec codec, byte[] bytes) throws IOException {
    return codec.read(new DataInputStream(new ByteArrayInputStream(bytes)));
  }

  @Test
  void headerIsGoldenByteForByte() throws IOException {
    byte[] frame =
        encode(
            new FrameCodec(null), FrameType.FLUSH_ACK, 0, 7, ByteBuffer.allocate(8).putLong(0, 42));

    assertThat(HexFormat.of().formatHex(frame, 0, 28))
        .isEqualTo(
            "48415052" // magic "HAPR"
                + "06" // FLUSH_ACK
                + "00" // flags
                + "0000" // reserved
                + "0000000000000007" // epoch
                + "0000000000000001" // seq
                + "00000008"); // payload length
    assertThat(frame).hasSize(32 + 8);
    assertThat(HexFormat.of().formatHex(frame, 32, 40)).isEqualTo("000000000000002a");
  }

  @Test
  void roundTripsWithAndWithoutAuthentication() throws IOException {
    for (byte[] key : new byte[][] {null, KEY}) {
      byte[] bytes =
          encode(
              new FrameCodec(key),
              FrameType.WRITE,
              Frame.FLAG_FUA,
              3,
              ByteBuffer.wrap(new byte[] {1, 2}),
              ByteBuffer.wrap(new byte[] {3}));
      Frame frame = decode(new FrameCodec(key), bytes);
      assertThat(frame.type()).isEqualTo(FrameType.WRITE);
      assertThat(frame.flags()).isEqualTo(Frame.FLAG_FUA);
      assertThat(frame.epoch()).isEqualTo(3);
      assertThat(frame.payload().array()).containsExactly(1, 2, 3);
    }
  }

  @Test
  void aFlippedBitFailsTheChecksum() throws IOException {
    byte[] bytes =
        encode(new FrameCodec(null), FrameType.WRITE, 0, 1, ByteBuffer.wrap(new byte[64]));
    bytes[40] ^= 1;

    assertThatThrownBy(() -> decode(new FrameCodec(null), bytes))
        .isInstanceOf(ReplicationProtocolException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void aFrameFromAnotherKeyIsNotAuthentic() throws IOException {
    byte[] bytes =
        encode(new FrameCodec("other".getBytes()), FrameType.FLUSH, 0, 1, ByteBuffer.allocate(8));

    assertThatThrownBy(() -> decode(new FrameCodec(KEY), bytes))
        .isInstanceOf(ReplicationProtocolException.class)
        .hasMessageContaining("not authentic");
  }

  @Test
  void aReplayedFrameIsOutOfSequence() throws IOException {
    FrameCodec sender = new FrameCodec(KEY);
    byte[] first = encode(sender, FrameType.FLUSH, 0, 1, ByteBuffer.allocate(8));
    FrameCodec receiver = new FrameCodec(KEY);
    decode(receiver, first);

    assertThatThrownBy(() -> decode(receiver, first))
        .isInstanceOf(ReplicationProtocolException.class)
        .hasMessageContaining("out of sequence");
  }

  @Test
  void oversizedUnknownAndReservedFramesAreRejectedBeforeTheirPayloadIsRead() {
    ByteBuffer h = ByteBuffer.allocate(32).putInt(FrameCodec.MAGIC).put((byte) 2).put((byte) 0);
    h.putShort((short) 0).putLong(1).putLong(1).putInt(Integer.MAX_VALUE).putInt(0);
    assertThatThrownBy(() -> decode(new FrameCodec(null), h.array()))
        .hasMessageContaining("frame of 2147483647 bytes");

    h.put(4, (byte) 99);
    assertThatThrownBy(() -> decode(new FrameCodec(null), h.array()))
        .hasMessageContaining("unknown frame type 99");

    h.put(4, (byte) 2).putShort(6, (short) 1);
    assertThatThrownBy(() -> decode(new FrameCodec(null), h.array()))
        .hasMessageContaining("reserved");
  }

  /** A header alone decides the allocation, so only frames of disk data may be large. */
  @Test
  void controlFramesAndUnexpectedTypesAreRefusedFromTheHeader() throws IOException {
    byte[] big =
        encode(
            new FrameCodec(KEY),
            FrameType.WRITE,
            0,
            1,
            ByteBuffer.wrap(new byte[FrameCodec.CONTROL_MAX_PAYLOAD + 1]));
    assertThat(decode(new FrameCodec(KEY), big).payload().remaining())
        .isEqualTo(FrameCodec.CONTROL_MAX_PAYLOAD + 1);
    // Only the header is given: a refusal must come before the payload is read.
    byte[] header = Arrays.copyOf(big, FrameCodec.HEADER);
    assertThatThrownBy(() -> decode(new FrameCodec(KEY, EnumSet.of(FrameType.HELLO)), header))
        .isInstanceOf(ReplicationProtocolException.class)
        .hasMessageContaining("WRITE frame where only [HELLO] may come");

    header[4] = (byte) 1; // HELLO
    assertThatThrownBy(() -> decode(new FrameCodec(KEY), header))
        .isInstanceOf(ReplicationProtocolException.class)
        .hasMessageContaining("HELLO frame of " + (FrameCodec.CONTROL_MAX_PAYLOAD + 1) + " bytes");
    assertThatThrownBy(
            () ->
                encode(
                    new FrameCodec(KEY),
                    FrameType.PING,
                    0,
                    1,
                    ByteBuffer.wrap(new byte[FrameCodec.CONTROL_MAX_PAYLOAD + 1])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Random bytes and mutated real frames never decode into something used, nor crash. */
  @Test
  void fuzzedInputOnlyEverFailsCleanly() throws IOException {
    Random random = new Random(7);
    byte[] valid =
        encode(new FrameCodec(KEY), FrameType.WRITE, 0, 1, ByteBuffer.wrap(new byte[100]));
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input;
      if (i % 2 == 0) {
        input = new byte[random.nextInt(200)];
        random.nextBytes(input);
      } else {
        input = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
        }
        if (Arrays.equals(input, valid)) {
          continue; // two flips of the same bit: not a mutation
        }
      }
      try {
        decode(new FrameCodec(KEY), input);
        accepted++;
      } catch (ReplicationProtocolException | EOFException expected) {
        // a clean refusal
      }
    }
    assertThat(accepted).isZero();
  }
}
