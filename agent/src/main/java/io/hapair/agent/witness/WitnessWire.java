package io.hapair.agent.witness;

import io.hapair.agent.replication.ReplicationProtocolException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Payloads of the witness protocol (frames WITNESS_READ, WITNESS_CAS, WITNESS_RECORD,
 * WITNESS_REFUSED, authenticated with the pair key like the replication link).
 *
 * <pre>
 * READ    [nonce] group, record (the initial record, used only if the witness has none yet)
 * CAS     [nonce] group, expected version, next record
 * RECORD  [nonce] the stored record
 * REFUSED [nonce] u8 conflict (1) or error (0), reason
 * record: pair UID, epoch, primary, up-to-date nodes, version
 * </pre>
 *
 * <p>Version 2 (frame flag {@link #FLAG_NONCE}): every request starts with 16 random bytes that the
 * answer echoes, under the MAC, so an answer is bound to its request: a recorded answer replayed to
 * a later request is refused by the client. The witness still answers version-1 requests (without
 * the flag, without the nonce) during an upgrade; clients speak version 2 only, so the witness is
 * upgraded first.
 */
final class WitnessWire {
  /** Frame flag: the payload starts with a nonce, and the answer echoes it (wire version 2). */
  static final int FLAG_NONCE = 1;

  static final int NONCE_BYTES = 16;

  private WitnessWire() {}

  static void putRecord(ByteBuffer b, WitnessRecord r) {
    putString(b, r.pairUid());
    b.putLong(r.epoch());
    putString(b, r.primary());
    b.put((byte) r.upToDate().size());
    r.upToDate().forEach(n -> putString(b, n));
    putString(b, r.version() == null ? "" : r.version());
  }

  static WitnessRecord getRecord(ByteBuffer b) throws ReplicationProtocolException {
    try {
      String uid = getString(b);
      long epoch = b.getLong();
      String primary = getString(b);
      int count = Byte.toUnsignedInt(b.get());
      if (count > 8) {
        throw new ReplicationProtocolException("record lists " + count + " nodes");
      }
      Set<String> nodes = new LinkedHashSet<>();
      for (int i = 0; i < count; i++) {
        nodes.add(getString(b));
      }
      return new WitnessRecord(uid, epoch, primary, nodes, getString(b));
    } catch (BufferUnderflowException e) {
      throw new ReplicationProtocolException("truncated witness record");
    }
  }

  static void putString(ByteBuffer b, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 253) {
      throw new IllegalArgumentException("name too long: " + s);
    }
    b.put((byte) bytes.length).put(bytes);
  }

  static String getString(ByteBuffer b) {
    byte[] bytes = new byte[Byte.toUnsignedInt(b.get())];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
