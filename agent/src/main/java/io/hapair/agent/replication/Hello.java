package io.hapair.agent.replication;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What each node says about itself when a replication link opens. The acceptor's HELLO echoes the
 * dialer's nonce, so it cannot be a replay; both nonces seed the session key.
 */
public record Hello(
    int minVersion,
    int maxVersion,
    byte[] nonce,
    byte[] peerNonce,
    String pairUid,
    String group,
    String node,
    Role role,
    DiskState diskState,
    long size,
    int regionSize,
    long epoch,
    long highestEpoch,
    Generations generations,
    int protocolCode,
    long changedRegions) {

  public static final int NONCE = 16;

  public ByteBuffer encode() {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.putShort((short) minVersion).putShort((short) maxVersion);
    b.put(nonce).put(peerNonce);
    putString(b, pairUid);
    putString(b, group);
    putString(b, node);
    b.put((byte) role.ordinal()).put((byte) diskState.ordinal());
    b.putLong(size).putInt(regionSize).putLong(epoch).putLong(highestEpoch);
    b.putLong(generations.current()).putLong(generations.bitmap());
    b.putLong(generations.history0()).putLong(generations.history1());
    b.put((byte) protocolCode);
    b.putLong(changedRegions);
    return b.flip();
  }

  public static Hello decode(ByteBuffer b) throws ReplicationProtocolException {
    try {
      int min = Short.toUnsignedInt(b.getShort());
      int max = Short.toUnsignedInt(b.getShort());
      byte[] nonce = new byte[NONCE];
      byte[] peerNonce = new byte[NONCE];
      b.get(nonce).get(peerNonce);
      String pairUid = getString(b);
      String group = getString(b);
      String node = getString(b);
      int role = b.get();
      int disk = b.get();
      if (role < 0
          || role >= Role.values().length
          || disk < 0
          || disk >= DiskState.values().length) {
        throw new ReplicationProtocolException("HELLO with an unknown role or disk state");
      }
      long size = b.getLong();
      int regionSize = b.getInt();
      long epoch = b.getLong();
      long highestEpoch = b.getLong();
      Generations g = new Generations(b.getLong(), b.getLong(), b.getLong(), b.getLong());
      int protocol = b.get();
      long changed = b.getLong();
      if (b.hasRemaining()) {
        throw new ReplicationProtocolException("HELLO has " + b.remaining() + " extra bytes");
      }
      return new Hello(
          min,
          max,
          nonce,
          peerNonce,
          pairUid,
          group,
          node,
          Role.values()[role],
          DiskState.values()[disk],
          size,
          regionSize,
          epoch,
          highestEpoch,
          g,
          protocol,
          changed);
    } catch (BufferUnderflowException e) {
      throw new ReplicationProtocolException("truncated HELLO");
    }
  }

  private static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 253) {
      throw new IllegalArgumentException("name too long: " + s);
    }
    b.put((byte) bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer b) {
    byte[] bytes = new byte[Byte.toUnsignedInt(b.get())];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
