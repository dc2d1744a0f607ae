package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.common.MetricsServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** /healthz follows the operator's runtime state: not started, healthy, API server lost. */
@EnableKubernetesMockClient(crud = true)
class OperatorHealthIT {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void anOperatorThatHasNotStartedIsNotHealthy() {
    Operator operator =
        HAPairOperator.create(
            client,
            new OperatorSettings(
                "hapair-operator",
                "default",
                "unstarted",
                Set.of(),
                "hapair-system",
                "hapair-agent",
                MockCluster.EXAMPLES_ALLOWED,
                false),
            new Metrics() {});

    assertThat(new OperatorHealth(operator).get()).containsExactly("operator not started");
  }

  @Test
  void healthyWhileItsInformersWatchAndNotOnceTheApiServerIsGone() throws Exception {
    OperatorHarness harness = new OperatorHarness(server, client);
    HttpClient http = HttpClient.newHttpClient();
    try (MetricsServer endpoints =
        new MetricsServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> true,
            new OperatorHealth(harness.operator))) {
      URI healthz = URI.create("http://127.0.0.1:" + endpoints.port() + "/healthz");

      await().atMost(Duration.ofSeconds(15)).until(() -> get(http, healthz).statusCode() == 200);
      assertThat(get(http, healthz).body()).isEqualTo("ok\n");

      server.destroy();

      await().atMost(Duration.ofSeconds(30)).until(() -> get(http, healthz).statusCode() == 503);
      assertThat(get(http, healthz).body())
          .contains("controller hapair: event source ControllerResourceEventSource is UNHEALTHY")
          .contains("is UNHEALTHY");
    } finally {
      harness.stop();
    }
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
