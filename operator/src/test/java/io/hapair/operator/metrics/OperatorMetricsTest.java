package io.hapair.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.HAPair;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A reconcile that throws counts as a reconcile and as an error of its controller. */
class OperatorMetricsTest {
  @Test
  void aFailedReconcileCountsAsAnErrorOfItsController() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OperatorMetrics metrics = OperatorMetrics.create(registry);
    Map<String, Object> hapair = Map.of(Constants.CONTROLLER_NAME, "hapair");

    metrics.finishedReconciliation(new HAPair(), hapair);
    metrics.failedReconciliation(new HAPair(), new IllegalStateException("API down"), hapair);

    assertThat(registry.get("hapair.reconciles").tag("controller", "hapair").counter().count())
        .isEqualTo(2);
    assertThat(
            registry.get("hapair.reconcile.errors").tag("controller", "hapair").counter().count())
        .isEqualTo(1);
  }
}
