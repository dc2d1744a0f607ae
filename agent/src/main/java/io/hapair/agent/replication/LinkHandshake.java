package io.hapair.agent.replication;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens a replication link: HELLO from the dialer, HELLO from the acceptor (echoing the dialer's
 * nonce), both MACed with the pair's key when there is one. The session key is derived from the
 * pair key and both nonces, so frames of an earlier session cannot be replayed into this one.
 */
public final class LinkHandshake {
  /** Version 1: the stream, resync, verify. Version 2 adds HANDOVER (switchover). */
  public static final int MIN_VERSION = 1;

  public static final int MAX_VERSION = 2;

  /** The first version with HANDOVER frames. */
  public static final int HANDOVER_VERSION = 2;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the local node expects of the other end. */
  public record Expectation(String pairUid, String group, String peerNode) {}

  private LinkHandshake() {}

  public static byte[] nonce() {
    byte[] n = new byte[Hello.NONCE];
    RANDOM.nextBytes(n);
    return n;
  }

  public static PeerSession dial(
      Socket socket, Hello local, Expectation expect, byte[] pairKey, Duration ping, Duration dead)
      throws IOException {
    socket.setSoTimeout((int) Math.max(1000, dead.toMillis()));
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    FrameCodec hsOut = new FrameCodec(pairKey);
    FrameCodec hsIn = new FrameCodec(pairKey, EnumSet.of(FrameType.HELLO));
    hsOut.write(out, FrameType.HELLO, 0, local.epoch(), local.encode());
    out.flush();
    Hello peer = readHello(hsIn, in, expect);
    if (!MessageDigest.isEqual(peer.peerNonce(), local.nonce())) {
      throw new ReplicationProtocolException("HELLO does not answer our nonce (a replay?)");
    }
    return session(socket, in, out, pairKey, local, peer, local.nonce(), peer.nonce(), ping);
  }

  public static PeerSession accept(
      Socket socket,
      Function<Hello, Hello> localFor,
      Expectation expect,
      byte[] pairKey,
      Duration ping,
      Duration dead)
      throws IOException {
    socket.setSoTimeout((int) Math.max(1000, dead.toMillis()));
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    FrameCodec hsIn = new FrameCodec(pairKey, EnumSet.of(FrameType.HELLO));
    FrameCodec hsOut = new FrameCodec(pairKey);
    Hello peer = readHello(hsIn, in, expect);
    Hello local = localFor.apply(peer);
    hsOut.write(out, FrameType.HELLO, 0, local.epoch(), local.encode());
    out.flush();
    return session(socket, in, out, pairKey, local, peer, peer.nonce(), local.nonce(), ping);
  }

  private static Hello readHello(FrameCodec codec, DataInputStream in, Expectation expect)
      throws IOException {
    Frame frame = codec.read(in);
    if (frame.type() != FrameType.HELLO) {
      throw new ReplicationProtocolException("expected HELLO, got " + frame.type());
    }
    Hello hello = Hello.decode(frame.payload());
    if (!hello.pairUid().equals(expect.pairUid())) {
      throw new ReplicationProtocolException("peer belongs to pair " + hello.pairUid());
    }
    if (!hello.group().equals(expect.group()) || !hello.node().equals(expect.peerNode())) {
      throw new ReplicationProtocolException(
          "peer is " + hello.node() + "/" + hello.group() + ", expected " + expect.peerNode());
    }
    if (hello.maxVersion() < MIN_VERSION || hello.minVersion() > MAX_VERSION) {
      throw new ReplicationProtocolException(
          "no common protocol version: peer speaks "
              + hello.minVersion()
              + ".."
              + hello.maxVersion()
              + ", this node "
              + MIN_VERSION
              + ".."
              + MAX_VERSION);
    }
    return hello;
  }

  private static PeerSession session(
      Socket socket,
      DataInputStream in,
      DataOutputStream out,
      byte[] pairKey,
      Hello local,
      Hello peer,
      byte[] dialerNonce,
      byte[] acceptorNonce,
      Duration ping)
      throws IOException {
    byte[] sessionKey = pairKey == null ? null : sessionKey(pairKey, dialerNonce, acceptorNonce);
    long epoch = sessionEpoch(local, peer);
    return new PeerSession(socket, in, out, sessionKey, local, peer, epoch, ping);
  }

  /** The term the link works in: the primary's, or the highest either side has seen. */
  static long sessionEpoch(Hello a, Hello b) {
    return Math.max(Math.max(a.epoch(), b.epoch()), Math.max(a.highestEpoch(), b.highestEpoch()));
  }

  static byte[] sessionKey(byte[] pairKey, byte[] dialerNonce, byte[] acceptorNonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pairKey, "HmacSHA256"));
      mac.update("hapair replication session".getBytes(StandardCharsets.US_ASCII));
      mac.update(dialerNonce);
      mac.update(acceptorNonce);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
