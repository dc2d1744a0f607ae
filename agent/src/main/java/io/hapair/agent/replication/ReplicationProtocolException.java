package io.hapair.agent.replication;

import java.io.IOException;

/** The peer sent something we must not act on; the connection is closed with this reason. */
public final class ReplicationProtocolException extends IOException {
  public ReplicationProtocolException(String reason) {
    super(reason);
  }
}
