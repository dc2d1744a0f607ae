package io.hapair.agent.nbd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/**
 * A client's socket with buffered streams, which STARTTLS replaces with TLS streams; or a Unix
 * socket's streams (no socket, no TLS).
 */
final class NbdConnection {
  Socket socket;
  DataInputStream in;
  DataOutputStream out;

  NbdConnection(Socket socket) throws IOException {
    use(socket);
  }

  /** A connection without a TCP socket (a Unix socket's channel): never TLS. */
  NbdConnection(InputStream in, OutputStream out) {
    this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
  }

  void use(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  boolean isTls() {
    return socket instanceof SSLSocket;
  }
}
