package io.hapair.agent.core;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import java.util.Set;

/** What two cores say to each other over the replication link, inside a {@link Frame}. */
public sealed interface PeerMessage {

  /** The first message of each side on a new link session. */
  record Hello(
      String pairUid,
      String node,
      Role role,
      long epoch,
      long highestSeen,
      DiskState disk,
      Generations generations,
      Set<Integer> dirtyRegions)
      implements PeerMessage {
    public Hello {
      dirtyRegions = Set.copyOf(dirtyRegions);
    }
  }

  /** A client write, numbered in the primary's order; the secondary applies them in that order. */
  record Write(long seq, long offset, byte[] data, boolean fua) implements PeerMessage {}

  /** The write is in the secondary's page cache (durable too when it was FUA). */
  record WriteAck(long seq) implements PeerMessage {}

  /** Make every write numbered up to {@code barrier} durable. */
  record Flush(long barrier) implements PeerMessage {}

  record FlushAck(long barrier) implements PeerMessage {}

  /** A heartbeat; its answer grants the primary a lease counted from {@code sentAt}. */
  record Ping(long sentAt) implements PeerMessage {}

  record Pong(long sentAt) implements PeerMessage {}

  /** The whole content of one out-of-sync region, from the sync source. */
  record ResyncData(int region, byte[] data) implements PeerMessage {}

  record ResyncAck(int region) implements PeerMessage {}

  /** Every region was sent: the target flushes and takes the source's generations. */
  record ResyncDone(Generations sourceGenerations) implements PeerMessage {}

  /** The target flushed its resync and is up to date. */
  record ResyncDoneAck() implements PeerMessage {}
}
