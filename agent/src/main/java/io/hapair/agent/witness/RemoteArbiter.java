package io.hapair.agent.witness;

import io.hapair.agent.replication.Frame;
import io.hapair.agent.replication.FrameCodec;
import io.hapair.agent.replication.FrameType;
import io.hapair.common.Daemons;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The witness client: one short connection per request, explicit timeouts, no retries. Anything but
 * an answer (a timeout, a dropped connection) is {@link OutcomeUnknownException}: the caller
 * re-reads and acts on what the record says.
 */
public final class RemoteArbiter implements Arbiter {
  private static final Set<FrameType> ANSWERS =
      EnumSet.of(FrameType.WITNESS_RECORD, FrameType.WITNESS_REFUSED);

  private final InetSocketAddress witness;
  private final String group;
  private final WitnessRecord initial;
  private final byte[] key;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();
  private final ExecutorService calls =
      Executors.newCachedThreadPool(Daemons.named("witness-client"));

  /**
   * @param initial the record the witness creates if it has none for this pair and group
   */
  public RemoteArbiter(
      InetSocketAddress witness,
      String group,
      WitnessRecord initial,
      byte[] key,
      Duration timeout) {
    this.witness = witness;
    this.group = group;
    this.initial = initial;
    this.key = key;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<WitnessRecord> read() {
    ByteBuffer request = ByteBuffer.allocate(4096);
    WitnessWire.putString(request, group);
    WitnessWire.putRecord(request, initial);
    return call(FrameType.WITNESS_READ, request.flip());
  }

  @Override
  public CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    ByteBuffer request = ByteBuffer.allocate(4096);
    WitnessWire.putString(request, group);
    WitnessWire.putString(request, expected.version());
    WitnessWire.putRecord(request, next);
    return call(FrameType.WITNESS_CAS, request.flip());
  }

  private CompletableFuture<WitnessRecord> call(FrameType type, ByteBuffer request) {
    byte[] nonce = new byte[WitnessWire.NONCE_BYTES];
    random.nextBytes(nonce);
    return CompletableFuture.supplyAsync(
        () -> {
          try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(witness, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            DataInputStream in =
                new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            new FrameCodec(key)
                .write(out, type, WitnessWire.FLAG_NONCE, 0, ByteBuffer.wrap(nonce), request);
            out.flush();
            Frame reply = new FrameCodec(key, ANSWERS).read(in);
            ByteBuffer p = reply.payload();
            if (!boundTo(nonce, reply)) {
              // A replayed or forged answer: nothing in it is trusted, the outcome is unknown.
              throw new OutcomeUnknownException(
                  "witness " + witness + ": answer not bound to this request (replayed?)");
            }
            if (reply.type() == FrameType.WITNESS_RECORD) {
              return WitnessWire.getRecord(p);
            }
            boolean conflict = p.get() == 1;
            String reason = WitnessWire.getString(p);
            throw conflict
                ? new ConflictException(reason)
                : new IllegalStateException("witness: " + reason);
          } catch (IOException e) {
            throw new OutcomeUnknownException("witness " + witness + ": " + e.getMessage());
          }
        },
        calls);
  }

  /** Whether the answer echoes this request's nonce; consumes it from the payload. */
  private static boolean boundTo(byte[] nonce, Frame reply) {
    ByteBuffer p = reply.payload();
    if ((reply.flags() & WitnessWire.FLAG_NONCE) == 0 || p.remaining() < nonce.length) {
      return false;
    }
    byte[] echoed = new byte[nonce.length];
    p.get(echoed);
    return MessageDigest.isEqual(nonce, echoed);
  }
}
