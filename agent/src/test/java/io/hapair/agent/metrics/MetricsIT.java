package io.hapair.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.volume.PairHarnessAccess;
import io.hapair.common.MetricsServer;
import io.hapair.common.QemuIo;
import io.hapair.common.Scrape;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics after real activity: names in Prometheus style, values that moved. */
class MetricsIT {
  /** How PairHarness names its pair (Kubernetes mode: namespace and name), group, node-a. */
  static final String A = "group=\"vol\",name=\"db\",namespace=\"tenant\",node=\"node-a\"";

  @TempDir Path dir;

  @Test
  void theAgentsMetricsReflectWhatHappened() throws Exception {
    try (MetricsServer server =
            new MetricsServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true);
        PairHarnessAccess pair = PairHarnessAccess.started(dir)) {
      QemuIo.run(pair.primaryUri(), "write -P 0x10 0 1M", "read 0 1M", "flush").orFail();
      pair.crashSecondary();
      QemuIo.write(pair.primaryUri(), 0x11, "0", "64k");

      Scrape scrape = Scrape.of(server.port());
      assertThat(scrape.text()).doesNotContain("pair-uid-1").doesNotContain("pair=");
      assertThat(scrape.value("hapair_role{" + A + "}")).isEqualTo(1);
      assertThat(scrape.value("hapair_epoch{" + A + "}")).isEqualTo(1);
      assertThat(scrape.value("hapair_replication_connected{" + A + "}")).isZero();
      assertThat(scrape.value("hapair_out_of_sync_bytes{" + A + "}")).isEqualTo(65536);
      assertThat(scrape.value("hapair_peer_outdated{" + A + "}")).isEqualTo(1);
      assertThat(scrape.value("hapair_split_brain{" + A + "}")).isZero();
      assertThat(scrape.value("hapair_resync_bytes_total{" + A + "}")).isGreaterThan(0);
      assertThat(scrape.value("hapair_write_latency_seconds_count{" + A + ",protocol=\"C\"}"))
          .isGreaterThanOrEqualTo(2);
      for (String path : new String[] {"link", "udp"}) {
        assertThat(
                scrape.value("hapair_heartbeat_rtt_seconds_count{" + A + ",path=\"" + path + "\"}"))
            .as("heartbeat round trips on the %s path", path)
            .isGreaterThan(0);
      }
      String udpHeard = "hapair_peer_heard{" + A + ",path=\"udp\"}";
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Scrape.of(server.port()).value(udpHeard) == 0);
      assertThat(scrape.value("hapair_peer_heard{" + A + ",path=\"link\"}")).isZero();
      assertThat(scrape.value("hapair_lease_remaining_seconds{" + A + "}")).isGreaterThan(0);
      // The NBD counters carry the volume's labels like every other series.
      assertThat(scrape.value("hapair_nbd_requests_total{" + A + ",type=\"write\"}"))
          .isGreaterThanOrEqualTo(2);
      assertThat(scrape.value("hapair_nbd_requests_total{" + A + ",type=\"read\"}"))
          .isGreaterThanOrEqualTo(1);
      assertThat(
              scrape.value(
                  "hapair_witness_requests_total{" + A + ",operation=\"cas\",outcome=\"won\"}"))
          .isGreaterThanOrEqualTo(2); // the promotion and outdating node-b
      // Witness latency is a histogram with a bucket at the 500 ms deadline.
      assertThat(
              scrape.value(
                  "hapair_witness_latency_seconds_bucket{" + A + ",operation=\"cas\",le=\"0.5\"}"))
          .isGreaterThanOrEqualTo(2);
      // The JVM's and the process's own series, GC pauses as a histogram.
      assertThat(scrape.text())
          .contains("jvm_gc_pause_seconds_bucket{")
          .contains("jvm_memory_used_bytes{")
          .contains("process_cpu_usage ")
          .contains("process_files_open_files ")
          .contains("process_uptime_seconds ");
      // Every family has HELP text and passes Prometheus' own lint.
      assertThat(scrape.promtoolProblems(dir)).isEmpty();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
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

  @Test
  void whatAlertsCountExistsAtZeroBeforeAnythingHappens() throws Exception {
    try (MetricsServer server =
            new MetricsServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), () -> true);
        PairHarnessAccess pair = PairHarnessAccess.started(dir)) {
      Scrape scrape = Scrape.of(server.port());
      for (String reason : new String[] {"PeerLost", "HealthCheckFailed", "InterfaceDown"}) {
        assertThat(scrape.value("hapair_failovers_total{" + A + ",reason=\"" + reason + "\"}"))
            .as("failovers for %s", reason)
            .isZero();
      }
      for (String outcome : new String[] {"unknown", "error", "conflict"}) {
        assertThat(
                scrape.value(
                    "hapair_witness_requests_total{"
                        + A
                        + ",operation=\"cas\",outcome=\""
                        + outcome
                        + "\"}"))
            .isZero();
      }
      assertThat(scrape.value("hapair_witness_distrusted_total{" + A + "}")).isZero();
      assertThat(scrape.value("hapair_nbd_errors_total{errno=\"5\"," + A + "}")).isZero();
      assertThat(scrape.value("hapair_nbd_requests_total{" + A + ",type=\"trim\"}")).isZero();
    }
  }
}
