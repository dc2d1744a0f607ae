package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.common.MetricsServer;
import io.hapair.common.Scrape;
import io.hapair.operator.metrics.OperatorMetrics;
import io.micrometer.core.instrument.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's /metrics after real reconciles: JOSDK's reconcile metrics, the pairs by phase,
 * each pair's conditions, reconciles and their errors per controller; all of it lint-clean.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsIT {
  static KubernetesMockServer server;
  static KubernetesClient client;
  @TempDir Path dir;

  @Test
  void theOperatorsMetricsShowThePairsAndItsReconciles() throws Exception {
    try (MetricsServer endpoints =
        new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true)) {
      OperatorHarness harness =
          new OperatorHarness(server, client, OperatorMetrics.create(Metrics.globalRegistry));
      try {
        harness.create(harness.loadExample("active-passive.yaml", "measured"));
        HAPair invalid = harness.loadExample("active-passive.yaml", "misnamed");
        invalid.getSpec().setPreferredPrimary("node-c");
        harness.create(invalid);
        harness.awaitValid("measured", "True");
        harness.awaitValid("misnamed", "False");

        String valid = "hapair_pair_condition{name=\"measured\",namespace=\"default\",";
        String refused = "hapair_pair_condition{name=\"misnamed\",namespace=\"default\",";
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    has(Scrape.of(endpoints.port()), valid + "status=\"True\",type=\"Valid\"}")
                        && has(
                            Scrape.of(endpoints.port()),
                            refused + "status=\"False\",type=\"Valid\"}"));
        Scrape scrape = Scrape.of(endpoints.port());
        assertThat(scrape.text())
            .matches("(?s).*operator_sdk_reconciliations_success_total\\{[^}]*\\} [1-9].*");
        // Every phase is a series; together they count both pairs.
        double pairs =
            Arrays.stream(HAPairStatus.Phase.values())
                .mapToDouble(p -> scrape.value("hapair_pairs{phase=\"" + p + "\"}"))
                .sum();
        assertThat(pairs).isEqualTo(2);
        assertThat(scrape.value("hapair_reconciles_total{controller=\"hapair\"}")).isGreaterThan(0);
        // Every controller's error counter exists at 0, so the error-rate alert sees the first.
        for (String controller :
            new String[] {"hapair", "hapair-agent-upgrade", "hapair-loadbalancer"}) {
          assertThat(
                  scrape.value("hapair_reconcile_errors_total{controller=\"" + controller + "\"}"))
              .isZero();
        }
        assertThat(scrape.promtoolProblems(dir)).isEmpty();

        // A pair that is gone loses its series.
        client.resource(invalid).delete();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !Scrape.of(endpoints.port()).text().contains("name=\"misnamed\""));
        assertThat(
                Arrays.stream(HAPairStatus.Phase.values())
                    .mapToDouble(
                        p -> {
                          try {
                            return Scrape.of(endpoints.port())
                                .value("hapair_pairs{phase=\"" + p + "\"}");
                          } catch (Exception e) {
                            throw new AssertionError(e);
                          }
                        })
                    .sum())
            .isEqualTo(1);
      } finally {
        harness.stop();
      }
    }
  }

  private static boolean has(Scrape scrape, String series) {
    return scrape.text().contains(series + " 1.0");
  }
}
