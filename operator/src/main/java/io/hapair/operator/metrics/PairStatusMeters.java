package io.hapair.operator.metrics;

import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pairs as their status shows them, read from the operator's own cache of HAPairs (no extra API
 * calls): {@code hapair_pairs} by phase, every phase registered at 0, and {@code
 * hapair_pair_condition}, 1 for each pair's condition type with its current status (the
 * kube-state-metrics convention). The counts are taken at each scrape; the conditions are refreshed
 * after every reconcile and every event; a pair that is gone loses its series.
 */
final class PairStatusMeters {
  private final Cache<HAPair> pairs;
  private final MultiGauge conditions;

  PairStatusMeters(MeterRegistry registry, Cache<HAPair> pairs) {
    this.pairs = pairs;
    // A registry outlives an operator (tests start several in one JVM): the newest owns the
    // series, instead of gauges left bound to a stopped operator's cache.
    registry.find("hapair.pairs").meters().forEach(registry::remove);
    registry.find("hapair.pair.condition").meters().forEach(registry::remove);
    for (HAPairStatus.Phase phase : HAPairStatus.Phase.values()) {
      // Counted from the cache at each scrape: the operator's own status write reaches the cache
      // after its reconcile finished, and no further event need come to refresh a stored count.
      Gauge.builder("hapair.pairs", this, meters -> meters.countIn(phase))
          .description("HAPairs by status phase (a pair without a status yet counts as Pending)")
          .tag("phase", phase.name())
          .register(registry);
    }
    conditions =
        MultiGauge.builder("hapair.pair.condition")
            .description("1 for each condition type of each HAPair, labelled with its status")
            .register(registry);
  }

  private long countIn(HAPairStatus.Phase phase) {
    return pairs
        .keys()
        .map(pairs::get)
        .flatMap(Optional::stream)
        .filter(p -> phaseOf(p) == phase)
        .count();
  }

  private static HAPairStatus.Phase phaseOf(HAPair pair) {
    HAPairStatus status = pair.getStatus();
    return status == null || status.getPhase() == null
        ? HAPairStatus.Phase.Pending
        : status.getPhase();
  }

  synchronized void refresh() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    pairs
        .keys()
        .map(pairs::get)
        .flatMap(Optional::stream)
        .forEach(
            pair -> {
              HAPairStatus status = pair.getStatus();
              if (status != null && status.getConditions() != null) {
                for (Condition c : status.getConditions()) {
                  rows.add(
                      MultiGauge.Row.of(
                          Tags.of(
                              "namespace", pair.getMetadata().getNamespace(),
                              "name", pair.getMetadata().getName(),
                              "type", c.getType(),
                              "status", c.getStatus()),
                          1));
                }
              }
            });
    conditions.register(rows, true);
  }
}
