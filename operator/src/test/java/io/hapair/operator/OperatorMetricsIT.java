package io.hapair.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.common.MetricsServer;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator's /metrics carries JOSDK's reconcile metrics after real reconciles. */
@EnableKubernetesMockClient(crud = true)
class OperatorMetricsIT {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void reconcilesAreCountedOnTheMetricsEndpoint() throws Exception {
    try (MetricsServer endpoints =
        new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true)) {
      OperatorHarness harness =
          new OperatorHarness(
              server, client, MicrometerMetrics.withoutPerResourceMetrics(Metrics.globalRegistry));
      try {
        harness.create(harness.loadExample("active-passive.yaml", "measured"));
        harness.awaitValid("measured", "True");
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + endpoints.port() + "/metrics");

        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    http.send(
                            HttpRequest.newBuilder(metrics).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body()
                        .matches(
                            "(?s).*operator_sdk_reconciliations_success_total\\{[^}]*\\} [1-9].*"));
      } finally {
        harness.stop();
      }
    }
  }
}
