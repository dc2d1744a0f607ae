package io.hapair.operator.metrics;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.hapair.api.v1alpha1.HAPair;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's meters: JOSDK's own (through {@link MicrometerMetrics}), plus what a person
 * running pairs asks first: how many pairs are in which phase, each pair's conditions ({@link
 * PairStatusMeters}), and how many reconciles fail ({@code hapair_reconcile_errors_total} of {@code
 * hapair_reconciles_total}, per controller, both at 0 from the controller's registration).
 */
public final class OperatorMetrics implements Metrics {
  private final Metrics josdk;
  private final MeterRegistry registry;
  private final Map<String, Counter> reconciles = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private volatile PairStatusMeters pairs;

  private OperatorMetrics(Metrics josdk, MeterRegistry registry) {
    this.josdk = josdk;
    this.registry = registry;
  }

  /**
   * Meters in {@code registry}; JOSDK's without per-resource series (their labels are unbounded).
   */
  public static OperatorMetrics create(MeterRegistry registry) {
    JosdkMeterFilters.install(registry);
    return new OperatorMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry), registry);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    josdk.controllerRegistered(controller);
    String name = controller.getConfiguration().getName();
    reconciles(name);
    errors(name);
    if (controller.getConfiguration().getResourceClass() == HAPair.class) {
      pairs =
          new PairStatusMeters(
              registry,
              (Cache<HAPair>) controller.getEventSourceManager().getControllerEventSource());
    }
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    josdk.receivedEvent(event, metadata);
    refreshPairs();
  }

  @Override
  public void reconcileCustomResource(
      HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    josdk.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    josdk.failedReconciliation(resource, exception, metadata);
    String controller = controllerOf(metadata);
    reconciles(controller).increment();
    errors(controller).increment();
    refreshPairs();
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    josdk.reconciliationExecutionStarted(resource, metadata);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    josdk.reconciliationExecutionFinished(resource, metadata);
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    josdk.cleanupDoneFor(resourceID, metadata);
    refreshPairs();
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    josdk.finishedReconciliation(resource, metadata);
    reconciles(controllerOf(metadata)).increment();
    refreshPairs();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return josdk.timeControllerExecution(execution);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return josdk.monitorSizeOf(map, name);
  }

  private void refreshPairs() {
    PairStatusMeters current = pairs;
    if (current != null) {
      current.refresh();
    }
  }

  private static String controllerOf(Map<String, Object> metadata) {
    Object name = metadata == null ? null : metadata.get(Constants.CONTROLLER_NAME);
    return name == null ? "unknown" : name.toString();
  }

  private Counter reconciles(String controller) {
    return reconciles.computeIfAbsent(
        controller,
        c ->
            Counter.builder("hapair.reconciles")
                .description("Reconciles that ran to an end (done or failed), per controller")
                .tag("controller", c)
                .register(registry));
  }

  private Counter errors(String controller) {
    return errors.computeIfAbsent(
        controller,
        c ->
            Counter.builder("hapair.reconcile.errors")
                .description("Reconciles that failed with an exception (retried), per controller")
                .tag("controller", c)
                .register(registry));
  }
}
