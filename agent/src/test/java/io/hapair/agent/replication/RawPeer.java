package io.hapair.agent.replication;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * A hand-driven replication peer for hostile-input tests: it performs the dialer's handshake and
 * then sends whatever frames a test wants, well-formed or not.
 */
public final class RawPeer implements AutoCloseable {
  public final Socket socket;
  public final DataOutputStream out;
  public final DataInputStream in;
  private FrameCodec writer;
  private FrameCodec reader;
  public Hello answer;

  public RawPeer(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(5000);
    this.out = new DataOutputStream(socket.getOutputStream());
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
  }

  /** Sends our HELLO with {@code key}; returns true if the other side answered with its own. */
  public boolean handshake(Hello hello, byte[] key) throws IOException {
    FrameCodec hsOut = new FrameCodec(key);
    hsOut.write(out, FrameType.HELLO, 0, hello.epoch(), hello.encode());
    out.flush();
    try {
      Frame frame = new FrameCodec(key).read(in);
      answer = Hello.decode(frame.payload());
    } catch (IOException e) {
      return false;
    }
    byte[] session =
        key == null ? null : LinkHandshake.sessionKey(key, hello.nonce(), answer.nonce());
    writer = new FrameCodec(session);
    reader = new FrameCodec(session);
    return true;
  }

  public void send(FrameType type, int flags, long epoch, ByteBuffer... parts) throws IOException {
    writer.write(out, type, flags, epoch, parts);
    out.flush();
  }

  /** Reads frames until the other side closes; true if it did within the socket timeout. */
  public boolean closedByPeer() {
    try {
      for (int i = 0; i < 10_000; i++) {
        reader.read(in);
      }
      return false;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
