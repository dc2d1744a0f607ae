package io.hapair.common;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;

/**
 * The JVM's and the process's meters (Micrometer's binders): memory, GC pauses, threads, classes,
 * CPU, open files, uptime. A GC pause longer than the dead time looks like a dead peer to the other
 * node and causes a false failover; {@code jvm_gc_pause_seconds} is a histogram with bounds around
 * the default dead time (5 x 100 ms) so that such a pause shows, and can be alerted on.
 */
final class ProcessMeters implements AutoCloseable {
  private static final long[] GC_PAUSE_BUCKETS_MILLIS = {
    5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000
  };

  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();

  ProcessMeters(MeterRegistry registry) {
    // Two of ProcessorMetrics' meters break Prometheus' naming rules (promtool check metrics):
    // process_cpu_time_ns_total (not in base units) and system_cpu_count (a gauge named like a
    // histogram's count). process_cpu_usage and system_cpu_usage say the same.
    registry
        .config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(MeterFilter.denyNameStartsWith("system.cpu.count"))
        .meterFilter(gcPauseHistogram());
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    heapPressure.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private static MeterFilter gcPauseHistogram() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (!id.getName().equals("jvm.gc.pause")) {
          return config;
        }
        double[] nanos = new double[GC_PAUSE_BUCKETS_MILLIS.length];
        for (int i = 0; i < nanos.length; i++) {
          nanos[i] = Duration.ofMillis(GC_PAUSE_BUCKETS_MILLIS[i]).toNanos();
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }

  @Override
  public void close() {
    gc.close();
    heapPressure.close();
  }
}
