package io.hapair.agent.volume;

import io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy;
import io.hapair.api.v1alpha1.VerifyAlgorithm;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.micrometer.core.instrument.Tags;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything one node needs to run one service group's volume.
 *
 * @param labels how the pair is named on its series (never the UID)
 * @param pairKey the pair's shared key for the replication link's HMAC, or null (unauthenticated,
 *     for tests on loopback only)
 * @param heartbeatListen where this node's UDP heartbeat path listens, or null for none
 * @param heartbeatPeer where the peer's UDP heartbeat path listens, or null for none
 * @param dataTimeout a peer that has not completed a request in this time is dropped and outdated
 * @param autoFailover whether a secondary that loses its primary asks the witness to take over
 *     (false with witness None and in maintenance)
 * @param initialSyncSource the node whose existing data seeds a new pair, or null (only blank disks
 *     are initialized)
 */
public record VolumeConfig(
    String pairUid,
    PairLabels labels,
    String group,
    String node,
    String peerNode,
    InetSocketAddress listen,
    InetSocketAddress peer,
    InetSocketAddress heartbeatListen,
    InetSocketAddress heartbeatPeer,
    Path disk,
    Path metadata,
    Protocol protocol,
    int regionSize,
    long resyncBytesPerSecond,
    Duration heartbeatInterval,
    Duration deadAfter,
    Duration dataTimeout,
    String initialSyncSource,
    VerifyAlgorithm verifyAlgorithm,
    SplitBrainPolicy splitBrain,
    boolean autoFailover,
    byte[] pairKey) {

  /** The node with the lower name dials; the other accepts. Roles play no part in it. */
  public boolean dials() {
    return node.compareTo(peerNode) < 0;
  }

  public boolean isInitialSyncSource() {
    return node.equals(initialSyncSource);
  }

  public boolean hasUdpHeartbeat() {
    return heartbeatListen != null && heartbeatPeer != null;
  }

  /** The labels of this volume's series: the pair's, then group and node. */
  public Tags meterTags() {
    return labels.tags().and("group", group, "node", node);
  }

  public String logPrefix() {
    return "pair " + pairUid + " group " + group + " node " + node;
  }
}
