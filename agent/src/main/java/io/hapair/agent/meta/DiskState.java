package io.hapair.agent.meta;

/** How current a node's data is, as DRBD names it. Only UP_TO_DATE may be promoted. */
public enum DiskState {
  UP_TO_DATE,
  /** Consistent but older than the peer's: it missed writes while disconnected. */
  OUTDATED,
  /** A resync target in the middle of its resync: a mix of old and new blocks. */
  INCONSISTENT
}
