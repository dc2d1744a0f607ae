package io.hapair.agent.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32C;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads and writes frames for one direction of one connection.
 *
 * <pre>
 * u32 magic "HAPR" | u8 type | u8 flags | u16 reserved (0) | u64 epoch | u64 seq
 * | u32 payload length | u32 CRC32C of everything before it and of the payload | payload
 * | [32-byte HMAC-SHA256 of header and payload, when the link is authenticated]
 * </pre>
 *
 * Decoding checks magic, type (one this reader accepts), reserved bits, the type's length limit,
 * checksum, the MAC and that seq is exactly the next one; any failure is a {@link
 * ReplicationProtocolException} and nothing of the frame is used.
 *
 * <p>The payload is allocated before its MAC can be checked, so the header alone decides how much a
 * sender may make us allocate: only frames that carry disk data may be large, and a reader that
 * expects a handshake or a witness call accepts only those types. Anyone who can reach the port can
 * thus make a connection hold {@link #CONTROL_MAX_PAYLOAD} at most, not 32 MiB.
 */
public final class FrameCodec {
  public static final int MAGIC = 0x48415052;
  public static final int HEADER = 32;
  public static final int MAX_PAYLOAD = (32 << 20) + 64;

  /** The largest payload a frame of this type may carry. */
  public static int maxPayload(FrameType type) {
    return BULK.contains(type) ? MAX_PAYLOAD : CONTROL_MAX_PAYLOAD;
  }

  public static final int MAC_LENGTH = 32;

  /** The largest payload of a frame that carries no disk data (a bitmap page is 4 KiB). */
  public static final int CONTROL_MAX_PAYLOAD = 64 << 10;

  private static final Set<FrameType> BULK =
      EnumSet.of(FrameType.WRITE, FrameType.RESYNC_DATA, FrameType.VERIFY_ACK);

  private final Mac mac;
  private final Set<FrameType> accepted;
  private long nextSeq = 1;
  private final byte[] header = new byte[HEADER];

  /**
   * @param sessionKey the link's HMAC key, or null for an unauthenticated link
   */
  public FrameCodec(byte[] sessionKey) {
    this(sessionKey, EnumSet.allOf(FrameType.class));
  }

  /**
   * @param sessionKey the link's HMAC key, or null for an unauthenticated link
   * @param accepted the frame types this reader takes; any other closes the connection
   */
  public FrameCodec(byte[] sessionKey, Set<FrameType> accepted) {
    this.accepted = EnumSet.copyOf(accepted);
    if (sessionKey == null) {
      mac = null;
    } else {
      try {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(sessionKey, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    }
  }

  /**
   * Writes a frame whose payload is the concatenation of {@code parts} (a small header and the
   * data, without copying the data), numbering it with this direction's next seq.
   */
  public long write(
      DataOutputStream out, FrameType type, int flags, long epoch, ByteBuffer... parts)
      throws IOException {
    long seq = nextSeq++;
    ByteBuffer h = ByteBuffer.wrap(header);
    int length = 0;
    for (ByteBuffer part : parts) {
      length += part == null ? 0 : part.remaining();
    }
    if (length > maxPayload(type)) {
      throw new IllegalArgumentException(type + " payload of " + length + " bytes");
    }
    h.putInt(MAGIC).put((byte) type.code).put((byte) flags).putShort((short) 0);
    h.putLong(epoch).putLong(seq).putInt(length);
    CRC32C crc = new CRC32C();
    crc.update(header, 0, 28);
    for (ByteBuffer part : parts) {
      if (part != null) {
        crc.update(part.duplicate());
      }
    }
    h.putInt((int) crc.getValue());
    out.write(header);
    for (ByteBuffer part : parts) {
      if (part != null) {
        writeBuffer(out, part.duplicate());
      }
    }
    if (mac != null) {
      mac.update(header);
      for (ByteBuffer part : parts) {
        if (part != null) {
          mac.update(part.duplicate());
        }
      }
      out.write(mac.doFinal());
    }
    return seq;
  }

  private static void writeBuffer(DataOutputStream out, ByteBuffer b) throws IOException {
    if (b.hasArray()) {
      out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
    } else {
      byte[] copy = new byte[b.remaining()];
      b.get(copy);
      out.write(copy);
    }
  }

  public Frame read(DataInputStream in) throws IOException {
    in.readFully(header);
    ByteBuffer h = ByteBuffer.wrap(header);
    int magic = h.getInt();
    if (magic != MAGIC) {
      throw new ReplicationProtocolException("bad magic 0x" + Integer.toHexString(magic));
    }
    int code = Byte.toUnsignedInt(h.get());
    FrameType type = FrameType.of(code);
    int flags = Byte.toUnsignedInt(h.get());
    short reserved = h.getShort();
    long epoch = h.getLong();
    long seq = h.getLong();
    int length = h.getInt();
    int checksum = h.getInt();
    if (type == null) {
      throw new ReplicationProtocolException("unknown frame type " + code);
    }
    if (!accepted.contains(type)) {
      throw new ReplicationProtocolException(type + " frame where only " + accepted + " may come");
    }
    if (reserved != 0) {
      throw new ReplicationProtocolException("reserved bits set in " + type);
    }
    if (length < 0 || length > maxPayload(type)) {
      throw new ReplicationProtocolException(type + " frame of " + length + " bytes");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    CRC32C crc = new CRC32C();
    crc.update(header, 0, 28);
    crc.update(payload);
    if ((int) crc.getValue() != checksum) {
      throw new ReplicationProtocolException(type + " frame fails its checksum");
    }
    if (mac != null) {
      byte[] received = new byte[MAC_LENGTH];
      in.readFully(received);
      mac.update(header);
      mac.update(payload);
      if (!MessageDigest.isEqual(mac.doFinal(), received)) {
        throw new ReplicationProtocolException(type + " frame is not authentic");
      }
    }
    if (seq != nextSeq) {
      throw new ReplicationProtocolException(
          type + " frame out of sequence: " + seq + ", expected " + nextSeq);
    }
    nextSeq++;
    return new Frame(type, flags, epoch, seq, ByteBuffer.wrap(payload));
  }
}
