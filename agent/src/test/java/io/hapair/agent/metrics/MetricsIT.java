package io.hapair.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.support.Command;
import io.hapair.agent.volume.PairHarnessAccess;
import io.hapair.common.MetricsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics after real activity: names in Prometheus style, values that moved. */
class MetricsIT {
  @TempDir Path dir;

  private static double value(String scrape, String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(scrape);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + scrape);
    }
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theAgentsMetricsReflectWhatHappened() throws Exception {
    try (MetricsServer server =
            new MetricsServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true);
        PairHarnessAccess pair = PairHarnessAccess.started(dir)) {
      Command.run(
              Duration.ofSeconds(60),
              "qemu-io",
              "-f",
              "raw",
              pair.primaryUri(),
              "-c",
              "write -P 0x10 0 1M",
              "-c",
              "read 0 1M",
              "-c",
              "flush")
          .orFail();
      pair.crashSecondary();
      Command.run(
              Duration.ofSeconds(60),
              "qemu-io",
              "-f",
              "raw",
              pair.primaryUri(),
              "-c",
              "write -P 0x11 0 64k")
          .orFail();

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      String scrape =
          http.send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();

      String a = "group=\"vol\",node=\"node-a\",pair=\"pair-uid-1\"";
      assertThat(value(scrape, "hapair_role{" + a + "}")).isEqualTo(1);
      assertThat(value(scrape, "hapair_epoch{" + a + "}")).isEqualTo(1);
      assertThat(value(scrape, "hapair_replication_connected{" + a + "}")).isZero();
      assertThat(value(scrape, "hapair_out_of_sync_bytes{" + a + "}")).isEqualTo(65536);
      assertThat(value(scrape, "hapair_peer_outdated{" + a + "}")).isEqualTo(1);
      assertThat(value(scrape, "hapair_split_brain{" + a + "}")).isZero();
      assertThat(value(scrape, "hapair_resync_bytes_total{" + a + "}")).isGreaterThan(0);
      assertThat(value(scrape, "hapair_write_latency_seconds_count{" + a + ",protocol=\"C\"}"))
          .isGreaterThanOrEqualTo(2);
      for (String path : new String[] {"link", "udp"}) {
        assertThat(
                value(
                    scrape, "hapair_heartbeat_rtt_seconds_count{" + a + ",path=\"" + path + "\"}"))
            .as("heartbeat round trips on the %s path", path)
            .isGreaterThan(0);
      }
      String udpHeard = "hapair_peer_heard{" + a + ",path=\"udp\"}";
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  value(
                          http.send(
                                  HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body(),
                          udpHeard)
                      == 0);
      assertThat(value(scrape, "hapair_peer_heard{" + a + ",path=\"link\"}")).isZero();
      assertThat(value(scrape, "hapair_lease_remaining_seconds{" + a + "}")).isGreaterThan(0);
      assertThat(value(scrape, "hapair_nbd_requests_total{export=\"vol\",type=\"write\"}"))
          .isGreaterThanOrEqualTo(2);
      assertThat(value(scrape, "hapair_nbd_requests_total{export=\"vol\",type=\"read\"}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(
              value(
                  scrape,
                  "hapair_witness_requests_total{group=\"vol\",node=\"node-a\",operation=\"cas\",outcome=\"won\",pair=\"pair-uid-1\"}"))
          .isGreaterThanOrEqualTo(2); // the promotion and outdating node-b
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
    }
  }
}
