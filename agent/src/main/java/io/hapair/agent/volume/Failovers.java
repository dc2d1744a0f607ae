package io.hapair.agent.volume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * {@code hapair_failovers_total}: takeovers and handovers by reason. Every reason is registered at
 * 0 when the volume opens: an alert on {@code increase()} sees nothing of a series whose first
 * sample is already 1, so a counter born at the first failover never fires it.
 */
public final class Failovers {
  /** The secondary lost its primary and took over at the witness. */
  public static final String PEER_LOST = "PeerLost";

  /** The primary's health check failed and it handed the role over. */
  public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";

  /** A watched interface of the primary went down and it handed the role over. */
  public static final String INTERFACE_DOWN = "InterfaceDown";

  static final List<String> REASONS = List.of(PEER_LOST, HEALTH_CHECK_FAILED, INTERFACE_DOWN);

  private Failovers() {}

  /** The counter of one reason for the volume with these series labels. */
  public static Counter counter(MeterRegistry registry, Tags volumeTags, String reason) {
    return Counter.builder("hapair.failovers")
        .description("Failovers that moved the primary role, by this node's action and reason")
        .tags(volumeTags.and("reason", reason))
        .register(registry);
  }
}
