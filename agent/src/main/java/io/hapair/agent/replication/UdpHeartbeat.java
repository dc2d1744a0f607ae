package io.hapair.agent.replication;

import io.hapair.agent.meta.Role;
import io.hapair.common.Daemons;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second heartbeat path: one small datagram per interval each way, apart from the replication
 * link's TCP stream, so that loss or a stall on one path alone does not look like a dead peer.
 * Pings carry the sender's role and epoch and a send stamp; the answer (pong) echoes the stamp,
 * which gives the round trip and, to a primary, a lease grant from that stamp on.
 *
 * <p>Wire format (big-endian), see docs/design/0005: {@code "HAPB" | version 1 | type (1 ping, 2
 * pong) | role (0 secondary, 1 primary) | flags (1: granted, pongs only) | epoch u64 | incarnation
 * u64 | seq u64 | stamp u64 | pair, group, node (u16 length + UTF-8 each) | HMAC-SHA256 of all
 * before it, when keyed}. A datagram that fails any check is dropped and counted; the path never
 * throws at its owner.
 */
public final class UdpHeartbeat implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(UdpHeartbeat.class);

  static final int MAGIC = 0x48415042; // "HAPB"
  static final byte VERSION = 1;
  static final byte PING = 1;
  static final byte PONG = 2;
  static final byte GRANTED = 1;
  static final int MAC_BYTES = 32;
  static final int MAX_DATAGRAM = 1400;
  private static final long DROP_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** A pong's echoed stamp older than this is garbage or a replay, not a grant. */
  private static final long MAX_PONG_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** What the volume hears on this path. */
  public interface Listener {
    /** The role and epoch this node states in its datagrams. */
    Stated stated();

    /**
     * The peer's ping arrived; the pong goes out right after this returns, saying whether this node
     * granted (promised not to promote for its term).
     */
    boolean onPing(Role peerRole, long peerEpoch);

    /** The peer answered this node's ping sent at {@code stampNanos}, with or without a grant. */
    void onPong(long stampNanos, Role peerRole, long peerEpoch, boolean granted);
  }

  /** Role and epoch as a node states them. */
  public record Stated(Role role, long epoch) {}

  /** Who may speak on the path: the pair, the group, this node and its peer. */
  public record Identity(String pair, String group, String node, String peerNode) {}

  private final Identity identity;
  private final DatagramChannel channel;
  private final InetSocketAddress peer;
  private final Duration interval;

  /** HMAC-SHA256 with the pair's key, or null on an unauthenticated path; guarded by itself. */
  private final Mac mac;

  private final Listener listener;
  private final String logPrefix;
  private final long incarnation = new SecureRandom().nextLong();
  private volatile boolean closed;
  private volatile long lastHeardNanos;
  private volatile boolean heardAtAll;
  private long seq;
  private long peerIncarnation;
  private long peerSeq = -1;
  private long dropped;
  private long lastDropLogNanos = System.nanoTime() - DROP_LOG_EVERY_NANOS;

  private UdpHeartbeat(
      Identity identity,
      DatagramChannel channel,
      InetSocketAddress peer,
      Duration interval,
      byte[] key,
      Listener listener) {
    this.identity = identity;
    this.channel = channel;
    this.peer = peer;
    this.interval = interval;
    this.mac = key == null ? null : hmac(key);
    this.listener = listener;
    this.logPrefix =
        "pair " + identity.pair() + " group " + identity.group() + " node " + identity.node();
  }

  /**
   * Binds {@code local} and starts pinging {@code peer} every {@code interval}.
   *
   * @param key the pair's key for the datagrams' HMAC, or null (unauthenticated, loopback tests)
   */
  public static UdpHeartbeat start(
      Identity identity,
      InetSocketAddress local,
      InetSocketAddress peer,
      Duration interval,
      byte[] key,
      Listener listener)
      throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.bind(local);
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot bind the UDP heartbeat to " + local + ": " + e.getMessage(), e);
    }
    UdpHeartbeat path = new UdpHeartbeat(identity, channel, peer, interval, key, listener);
    Daemons.start("udp-heartbeat-recv-" + identity.node(), path::receiveLoop);
    Daemons.start("udp-heartbeat-send-" + identity.node(), path::sendLoop);
    log.info(
        "{}: UDP heartbeat path from {} to {} every {} ms",
        path.logPrefix,
        local,
        peer,
        interval.toMillis());
    return path;
  }

  /** Whether a valid datagram from the peer arrived within {@code nanos}. */
  public boolean heardWithin(long nanos) {
    return heardAtAll && System.nanoTime() - lastHeardNanos < nanos;
  }

  /** Datagrams dropped since start (malformed, unauthenticated, foreign, replayed). */
  public synchronized long dropped() {
    return dropped;
  }

  private void sendLoop() {
    long next = System.nanoTime();
    while (!closed) {
      send(PING, listener.stated(), (byte) 0, System.nanoTime());
      next += interval.toNanos();
      long wait = next - System.nanoTime();
      if (wait < 0) {
        next = System.nanoTime(); // a pause: do not burst to catch up
      } else {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private void send(byte type, Stated stated, byte flags, long stamp) {
    ByteBuffer datagram;
    synchronized (this) {
      datagram = encode(type, stated, flags, incarnation, ++seq, stamp);
    }
    try {
      channel.send(datagram, peer);
    } catch (ClosedChannelException e) {
      // closing
    } catch (IOException e) {
      // No route while a link is down is normal here; the peer just hears nothing.
      log.debug("{}: heartbeat datagram to {} not sent: {}", logPrefix, peer, e.getMessage());
    }
  }

  ByteBuffer encode(byte type, Stated stated, byte flags, long incarnation, long seq, long stamp) {
    ByteBuffer b = ByteBuffer.allocate(MAX_DATAGRAM);
    b.putInt(MAGIC).put(VERSION).put(type).put(stated.role() == Role.PRIMARY ? (byte) 1 : 0);
    b.put(flags).putLong(stated.epoch()).putLong(incarnation).putLong(seq).putLong(stamp);
    putText(b, identity.pair());
    putText(b, identity.group());
    putText(b, identity.node());
    if (mac != null) {
      b.put(sign(b.array(), b.position()));
    }
    return b.flip();
  }

  private static void putText(ByteBuffer b, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    b.putShort((short) bytes.length).put(bytes);
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The MAC of the first {@code length} bytes; one instance serves both threads, in turn. */
  private byte[] sign(byte[] data, int length) {
    synchronized (mac) {
      mac.update(data, 0, length);
      return mac.doFinal();
    }
  }

  private void receiveLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM + 1);
    while (!closed) {
      try {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        buffer.flip();
        handle(buffer, from);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.warn("{}: UDP heartbeat receive failed: {}", logPrefix, e.getMessage());
          LockSupport.parkNanos(interval.toNanos()); // bounded retry rate
        }
      }
    }
  }

  private void handle(ByteBuffer datagram, SocketAddress from) {
    Decoded d;
    try {
      d = decode(datagram);
    } catch (MalformedDatagram e) {
      drop(from, e.getMessage());
      return;
    }
    long now = System.nanoTime();
    if (d.type == PING) {
      synchronized (this) {
        // A replayed ping would only delay a takeover, never allow one; still, drop it.
        if (d.incarnation == peerIncarnation && d.seq <= peerSeq) {
          dropped++;
          return;
        }
        peerIncarnation = d.incarnation;
        peerSeq = d.seq;
      }
      heard(now);
      boolean granted = listener.onPing(d.role, d.epoch);
      send(PONG, listener.stated(), granted ? GRANTED : 0, d.stamp);
    } else {
      long age = now - d.stamp;
      if (age < 0 || age > MAX_PONG_AGE_NANOS) {
        drop(from, "pong echoes a stamp this node did not send recently");
        return;
      }
      heard(now);
      listener.onPong(d.stamp, d.role, d.epoch, d.granted);
    }
  }

  private void heard(long now) {
    lastHeardNanos = now;
    heardAtAll = true;
  }

  private record Decoded(
      byte type, Role role, boolean granted, long epoch, long incarnation, long seq, long stamp) {}

  private static final class MalformedDatagram extends Exception {
    MalformedDatagram(String message) {
      super(message);
    }
  }

  Decoded decode(ByteBuffer b) throws MalformedDatagram {
    int start = b.position();
    try {
      if (b.remaining() > MAX_DATAGRAM) {
        throw new MalformedDatagram("datagram longer than " + MAX_DATAGRAM + " bytes");
      }
      if (b.getInt() != MAGIC) {
        throw new MalformedDatagram("bad magic");
      }
      byte version = b.get();
      if (version != VERSION) {
        throw new MalformedDatagram("version " + version + " (this node speaks " + VERSION + ")");
      }
      byte type = b.get();
      if (type != PING && type != PONG) {
        throw new MalformedDatagram("unknown type " + type);
      }
      byte role = b.get();
      byte flags = b.get();
      if ((role != 0 && role != 1) || (flags & ~GRANTED) != 0 || (type == PING && flags != 0)) {
        throw new MalformedDatagram("bad role or flags");
      }
      long epoch = b.getLong();
      long incarnation = b.getLong();
      long seq = b.getLong();
      long stamp = b.getLong();
      expectText(b, identity.pair(), "pair");
      expectText(b, identity.group(), "group");
      expectText(b, identity.peerNode(), "node");
      if (mac != null) {
        int signed = b.position() - start;
        byte[] expected = sign(b.array(), signed);
        if (b.remaining() < MAC_BYTES) {
          throw new MalformedDatagram("no MAC on an authenticated path");
        }
        byte[] got = new byte[MAC_BYTES];
        b.get(got);
        if (!MessageDigest.isEqual(expected, got)) {
          throw new MalformedDatagram("MAC does not match (wrong key or altered)");
        }
      }
      if (b.hasRemaining()) {
        throw new MalformedDatagram(b.remaining() + " trailing bytes");
      }
      return new Decoded(
          type,
          role == 1 ? Role.PRIMARY : Role.SECONDARY,
          flags == GRANTED,
          epoch,
          incarnation,
          seq,
          stamp);
    } catch (BufferUnderflowException e) {
      throw new MalformedDatagram("truncated");
    }
  }

  private static void expectText(ByteBuffer b, String expected, String field)
      throws MalformedDatagram {
    int length = Short.toUnsignedInt(b.getShort());
    if (length > b.remaining()) {
      throw new MalformedDatagram("truncated " + field);
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    String got = new String(bytes, StandardCharsets.UTF_8);
    if (!got.equals(expected)) {
      throw new MalformedDatagram(field + " is " + got + ", expected " + expected);
    }
  }

  private void drop(SocketAddress from, String reason) {
    long now = System.nanoTime();
    synchronized (this) {
      dropped++;
      if (now - lastDropLogNanos < DROP_LOG_EVERY_NANOS) {
        return;
      }
      lastDropLogNanos = now;
    }
    log.warn(
        "{}: dropped a heartbeat datagram from {}: {} ({} dropped so far)",
        logPrefix,
        from,
        reason,
        dropped());
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
