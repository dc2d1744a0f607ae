package io.hapair.agent.witness;

import io.hapair.agent.replication.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A man in the middle on loopback: passes the first request to the witness and records its answer,
 * then answers every later request with that recorded answer (a replay; it holds no key).
 */
final class ReplayingProxy implements Closeable {
  private final ServerSocket listener;
  private final InetSocketAddress witness;
  private byte[] recorded;

  ReplayingProxy(InetSocketAddress witness) throws IOException {
    this.witness = witness;
    this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(this::serve, "replaying-proxy");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (Socket client = listener.accept()) {
        client.setSoTimeout(5000);
        byte[] request = readFrame(client.getInputStream());
        if (recorded == null) {
          try (Socket upstream = new Socket(witness.getAddress(), witness.getPort())) {
            upstream.setSoTimeout(5000);
            upstream.getOutputStream().write(request);
            recorded = readFrame(upstream.getInputStream());
          }
        }
        client.getOutputStream().write(recorded);
      } catch (IOException e) {
        // the next connection gets another try
      }
    }
  }

  /** One authenticated frame as raw bytes: header, payload, MAC. */
  private static byte[] readFrame(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[FrameCodec.HEADER];
    data.readFully(header);
    int length = ByteBuffer.wrap(header).getInt(24);
    byte[] rest = new byte[length + FrameCodec.MAC_LENGTH];
    data.readFully(rest);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(header);
    frame.write(rest);
    return frame.toByteArray();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
