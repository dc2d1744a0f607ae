package io.hapair.agent.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed newstyle handshake: option haggling until NBD_OPT_GO (or EXPORT_NAME) selects the
 * export. TLS, when configured, is required before the export is revealed; listing is refused.
 */
final class NbdHandshake {
  private static final Logger log = LoggerFactory.getLogger(NbdHandshake.class);
  private static final int MAX_OPTION_LENGTH = 4096;
  private static final int MAX_OPTIONS = 64;

  private final NbdConnection c;
  private final NbdExport export;
  private final SSLContext tls;
  private final String logPrefix;
  private final String client;
  private boolean noZeroes;

  NbdHandshake(NbdConnection c, NbdExport export, SSLContext tls, String logPrefix, String client) {
    this.c = c;
    this.export = export;
    this.tls = tls;
    this.logPrefix = logPrefix;
    this.client = client;
  }

  /** Returns true when the client entered transmission, false when it aborted. */
  boolean run() throws IOException {
    c.out.writeLong(Nbd.NBDMAGIC);
    c.out.writeLong(Nbd.IHAVEOPT);
    c.out.writeShort(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
    c.out.flush();
    int clientFlags = c.in.readInt();
    if ((clientFlags & Nbd.CLIENT_FLAG_FIXED_NEWSTYLE) == 0) {
      throw new NbdProtocolException("client does not speak fixed newstyle");
    }
    if ((clientFlags & ~(Nbd.CLIENT_FLAG_FIXED_NEWSTYLE | Nbd.CLIENT_FLAG_NO_ZEROES)) != 0) {
      throw new NbdProtocolException("unknown client flags 0x" + Integer.toHexString(clientFlags));
    }
    noZeroes = (clientFlags & Nbd.CLIENT_FLAG_NO_ZEROES) != 0;
    for (int i = 0; i < MAX_OPTIONS; i++) {
      long magic = c.in.readLong();
      if (magic != Nbd.IHAVEOPT) {
        throw new NbdProtocolException("bad option magic 0x" + Long.toHexString(magic));
      }
      int option = c.in.readInt();
      int length = c.in.readInt();
      if (length < 0 || length > MAX_OPTION_LENGTH) {
        throw new NbdProtocolException("option " + option + " of " + length + " bytes");
      }
      byte[] data = new byte[length];
      c.in.readFully(data);
      Boolean done = handle(option, data);
      if (done != null) {
        return done;
      }
    }
    throw new NbdProtocolException("more than " + MAX_OPTIONS + " options");
  }

  /** null: keep haggling; true: transmission; false: aborted. */
  private Boolean handle(int option, byte[] data) throws IOException {
    boolean tlsMissing = tls != null && !c.isTls();
    switch (option) {
      case Nbd.OPT_STARTTLS -> {
        if (tls == null) {
          reply(option, Nbd.REP_ERR_POLICY, "TLS is not configured on this export");
        } else if (c.isTls()) {
          reply(option, Nbd.REP_ERR_INVALID, "TLS is already on");
        } else if (data.length != 0) {
          reply(option, Nbd.REP_ERR_INVALID, "STARTTLS takes no data");
        } else {
          reply(option, Nbd.REP_ACK, null);
          startTls();
        }
        return null;
      }
      case Nbd.OPT_ABORT -> {
        reply(option, Nbd.REP_ACK, null);
        return false;
      }
      case Nbd.OPT_LIST -> {
        reply(option, tlsMissing ? Nbd.REP_ERR_TLS_REQD : Nbd.REP_ERR_POLICY, "listing is off");
        return null;
      }
      case Nbd.OPT_EXPORT_NAME -> {
        // Old-style selection: no way to report an error but closing.
        String name = new String(data, StandardCharsets.UTF_8);
        if (tlsMissing) {
          throw new NbdProtocolException("EXPORT_NAME before STARTTLS");
        }
        if (!matches(name) || !export.mayServe()) {
          throw new NbdProtocolException("EXPORT_NAME for unavailable export \"" + name + "\"");
        }
        c.out.writeLong(export.size());
        c.out.writeShort(transmissionFlags());
        if (!noZeroes) {
          c.out.write(new byte[124]);
        }
        c.out.flush();
        return true;
      }
      case Nbd.OPT_INFO, Nbd.OPT_GO -> {
        return infoOrGo(option, data, tlsMissing);
      }
      default -> {
        reply(option, tlsMissing ? Nbd.REP_ERR_TLS_REQD : Nbd.REP_ERR_UNSUP, null);
        return null;
      }
    }
  }

  private Boolean infoOrGo(int option, byte[] data, boolean tlsMissing) throws IOException {
    if (tlsMissing) {
      reply(option, Nbd.REP_ERR_TLS_REQD, "this export requires TLS");
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(data);
    if (b.remaining() < 4) {
      reply(option, Nbd.REP_ERR_INVALID, "truncated request");
      return null;
    }
    int nameLength = b.getInt();
    if (nameLength < 0 || nameLength > b.remaining() - 2) {
      reply(option, Nbd.REP_ERR_INVALID, "bad name length");
      return null;
    }
    byte[] nameBytes = new byte[nameLength];
    b.get(nameBytes);
    int requests = Short.toUnsignedInt(b.getShort());
    if (b.remaining() != requests * 2) {
      reply(option, Nbd.REP_ERR_INVALID, "bad information request count");
      return null;
    }
    boolean wantsBlockSize = false;
    for (int i = 0; i < requests; i++) {
      wantsBlockSize |= b.getShort() == Nbd.INFO_BLOCK_SIZE;
    }
    String name = new String(nameBytes, StandardCharsets.UTF_8);
    if (!matches(name)) {
      reply(option, Nbd.REP_ERR_UNKNOWN, "no export \"" + name + "\"");
      return null;
    }
    if (!export.mayServe()) {
      reply(option, Nbd.REP_ERR_UNKNOWN, "this node is not primary for \"" + name + "\"");
      return null;
    }
    ByteBuffer info = ByteBuffer.allocate(12);
    info.putShort((short) Nbd.INFO_EXPORT)
        .putLong(export.size())
        .putShort((short) transmissionFlags());
    reply(option, Nbd.REP_INFO, info.array());
    if (wantsBlockSize) {
      ByteBuffer sizes = ByteBuffer.allocate(14);
      sizes
          .putShort((short) Nbd.INFO_BLOCK_SIZE)
          .putInt(1)
          .putInt(Nbd.PREFERRED_BLOCK)
          .putInt(Nbd.MAX_PAYLOAD);
      reply(option, Nbd.REP_INFO, sizes.array());
    }
    reply(option, Nbd.REP_ACK, null);
    return option == Nbd.OPT_GO ? Boolean.TRUE : null;
  }

  private boolean matches(String name) {
    return name.isEmpty() || name.equals(export.name());
  }

  private int transmissionFlags() {
    int flags =
        Nbd.TX_HAS_FLAGS
            | Nbd.TX_SEND_FLUSH
            | Nbd.TX_SEND_FUA
            | Nbd.TX_SEND_TRIM
            | Nbd.TX_SEND_WRITE_ZEROES;
    return export.multiConn() ? flags | Nbd.TX_CAN_MULTI_CONN : flags;
  }

  private void startTls() throws IOException {
    SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    c.socket, c.socket.getInetAddress().getHostAddress(), c.socket.getPort(), true);
    socket.setUseClientMode(false);
    socket.setNeedClientAuth(true);
    socket.startHandshake();
    c.use(socket);
    log.info(
        "{}: NBD client {} switched to TLS ({})",
        logPrefix,
        client,
        socket.getSession().getProtocol());
  }

  private void reply(int option, int type, Object payload) throws IOException {
    byte[] data =
        payload == null
            ? new byte[0]
            : payload instanceof byte[] bytes
                ? bytes
                : payload.toString().getBytes(StandardCharsets.UTF_8);
    c.out.writeLong(Nbd.OPTION_REPLY_MAGIC);
    c.out.writeInt(option);
    c.out.writeInt(type);
    c.out.writeInt(data.length);
    c.out.write(data);
    c.out.flush();
  }
}
