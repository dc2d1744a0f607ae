package io.hapair.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.meta.Role;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two UDP heartbeat paths on loopback: grants, round trips, and what gets dropped. */
class UdpHeartbeatIT {
  static final byte[] KEY = "udp path key".getBytes();
  static final Duration BEAT = Duration.ofMillis(20);

  final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** Records what one side hears; grants when told to. */
  static final class Ear implements UdpHeartbeat.Listener {
    volatile UdpHeartbeat.Stated stated;
    final AtomicBoolean grant = new AtomicBoolean(true);
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger grantedPongs = new AtomicInteger();
    final AtomicInteger refusedPongs = new AtomicInteger();
    volatile long lastRttNanos = -1;
    volatile long lastPeerEpoch = -1;

    Ear(Role role, long epoch) {
      stated = new UdpHeartbeat.Stated(role, epoch);
    }

    @Override
    public UdpHeartbeat.Stated stated() {
      return stated;
    }

    @Override
    public boolean onPing(Role peerRole, long peerEpoch) {
      pings.incrementAndGet();
      lastPeerEpoch = peerEpoch;
      return grant.get();
    }

    @Override
    public void onPong(long stampNanos, Role peerRole, long peerEpoch, boolean granted) {
      lastRttNanos = System.nanoTime() - stampNanos;
      (granted ? grantedPongs : refusedPongs).incrementAndGet();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  UdpHeartbeat path(String node, String peer, int port, int peerPort, byte[] key, Ear ear)
      throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpHeartbeat path =
        UdpHeartbeat.start(
            new UdpHeartbeat.Identity("pair-1", "db", node, peer),
            new InetSocketAddress(lo, port),
            new InetSocketAddress(lo, peerPort),
            BEAT,
            key,
            ear);
    open.add(path);
    return path;
  }

  @Test
  void aSecondarysGrantsReachThePrimaryWithTheirRoundTrip() throws Exception {
    int pa = freeUdpPort();
    int pb = freeUdpPort();
    Ear primary = new Ear(Role.PRIMARY, 4);
    Ear secondary = new Ear(Role.SECONDARY, 4);
    UdpHeartbeat a = path("node-a", "node-b", pa, pb, KEY, primary);
    UdpHeartbeat b = path("node-b", "node-a", pb, pa, KEY, secondary);

    await().atMost(Duration.ofSeconds(5)).until(() -> primary.grantedPongs.get() >= 5);
    assertThat(secondary.lastPeerEpoch).isEqualTo(4);
    assertThat(primary.lastRttNanos).isBetween(0L, TimeUnit.SECONDS.toNanos(1));
    assertThat(a.heardWithin(TimeUnit.SECONDS.toNanos(1))).isTrue();
    assertThat(b.heardWithin(TimeUnit.SECONDS.toNanos(1))).isTrue();

    secondary.grant.set(false);
    int refusedBefore = primary.refusedPongs.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> primary.refusedPongs.get() > refusedBefore);
  }

  @Test
  void aPeerWithAnotherKeyIsNotHeard() throws Exception {
    int pa = freeUdpPort();
    int pb = freeUdpPort();
    Ear primary = new Ear(Role.PRIMARY, 1);
    Ear stranger = new Ear(Role.SECONDARY, 1);
    UdpHeartbeat a = path("node-a", "node-b", pa, pb, KEY, primary);
    UdpHeartbeat b = path("node-b", "node-a", pb, pa, "another key".getBytes(), stranger);

    await().atMost(Duration.ofSeconds(5)).until(() -> a.dropped() >= 3 && b.dropped() >= 3);
    assertThat(primary.pings.get() + primary.grantedPongs.get()).isZero();
    assertThat(stranger.pings.get()).isZero();
    assertThat(a.heardWithin(TimeUnit.SECONDS.toNanos(10))).isFalse();
  }

  @Test
  void anotherGroupsOrNodesDatagramsAreDropped() throws Exception {
    int pa = freeUdpPort();
    int pb = freeUdpPort();
    Ear primary = new Ear(Role.PRIMARY, 1);
    Ear other = new Ear(Role.SECONDARY, 1);
    UdpHeartbeat a = path("node-a", "node-b", pa, pb, KEY, primary);
    // Same key and ports, but it says it is node-c: node-a expects only node-b.
    path("node-c", "node-a", pb, pa, KEY, other);

    await().atMost(Duration.ofSeconds(5)).until(() -> a.dropped() >= 3);
    assertThat(primary.pings.get()).isZero();
  }

  @Test
  void garbageIsDroppedAndThePathKeepsWorking() throws Exception {
    int pa = freeUdpPort();
    int pb = freeUdpPort();
    Ear primary = new Ear(Role.PRIMARY, 2);
    Ear secondary = new Ear(Role.SECONDARY, 2);
    path("node-a", "node-b", pa, pb, KEY, primary);
    UdpHeartbeat b = path("node-b", "node-a", pb, pa, KEY, secondary);
    await().atMost(Duration.ofSeconds(5)).until(() -> primary.grantedPongs.get() >= 1);

    Random random = new Random(7);
    try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), pb);
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[random.nextInt(1500)];
        random.nextBytes(junk);
        if (i % 2 == 0 && junk.length >= 8) {
          ByteBuffer.wrap(junk).putInt(UdpHeartbeat.MAGIC).put(UdpHeartbeat.VERSION);
        }
        attacker.send(new DatagramPacket(junk, junk.length, target));
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> b.dropped() >= 150);
    int before = primary.grantedPongs.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> primary.grantedPongs.get() > before + 3);
  }

  @Test
  void aReplayedPingIsDropped() throws Exception {
    int pa = freeUdpPort();
    int pb = freeUdpPort();
    Ear secondary = new Ear(Role.SECONDARY, 3);
    UdpHeartbeat b = path("node-b", "node-a", pb, pa, KEY, secondary);
    // node-a's pings, encoded by a path that is not running, sent twice by hand.
    UdpHeartbeat a =
        path("node-a", "node-b", freeUdpPort(), freeUdpPort(), KEY, new Ear(Role.PRIMARY, 3));
    a.close();
    ByteBuffer ping =
        a.encode(UdpHeartbeat.PING, new UdpHeartbeat.Stated(Role.PRIMARY, 3), (byte) 0, 42, 1, 5);
    byte[] bytes = new byte[ping.remaining()];
    ping.get(bytes);
    try (DatagramSocket sender = new DatagramSocket(pa, InetAddress.getLoopbackAddress())) {
      InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), pb);
      sender.send(new DatagramPacket(bytes, bytes.length, target));
      await().atMost(Duration.ofSeconds(5)).until(() -> secondary.pings.get() == 1);
      sender.send(new DatagramPacket(bytes, bytes.length, target));
      await().atMost(Duration.ofSeconds(5)).until(() -> b.dropped() >= 1);
    }
    assertThat(secondary.pings.get()).isEqualTo(1);
  }
}
