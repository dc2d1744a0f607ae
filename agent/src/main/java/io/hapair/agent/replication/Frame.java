package io.hapair.agent.replication;

import java.nio.ByteBuffer;

/**
 * One replication frame. {@code epoch} is the primary's term the sender acts in; {@code seq}
 * numbers the frames of one direction of one connection from 1, so a replayed, dropped or reordered
 * frame is detected.
 */
public record Frame(FrameType type, int flags, long epoch, long seq, ByteBuffer payload) {
  public static final int FLAG_FUA = 1;
}
