package io.hapair.operator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * JOSDK's meters as Prometheus wants them: HELP text on every family (JOSDK registers none), and
 * reconcile durations as a histogram so that their percentiles can be aggregated.
 */
final class JosdkMeterFilters {
  private static final String PREFIX = "operator.sdk.";

  private JosdkMeterFilters() {}

  static void install(MeterRegistry registry) {
    registry.config().meterFilter(descriptions()).meterFilter(executionHistogram());
  }

  private static MeterFilter descriptions() {
    return new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith(PREFIX) || id.getDescription() != null) {
          return id;
        }
        String what = id.getName().substring(PREFIX.length()).replace('.', ' ');
        return new Meter.Id(
            id.getName(),
            Tags.of(id.getTagsAsIterable()),
            id.getBaseUnit(),
            "Java Operator SDK: " + what,
            id.getType());
      }
    };
  }

  private static MeterFilter executionHistogram() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().startsWith(PREFIX + "controllers.execution")
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
            : config;
      }
    };
  }
}
