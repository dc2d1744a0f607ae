package io.hapair.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.operator.MockCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The operator jar, as its own process with the chart's memory settings, against fabric8's mock API
 * server holding PAIRS HAPairs on 2 x PAIRS Nodes. Prints, per pair, the time from its creation to
 * its first status (validated, Secret and Lease made, nodes labelled), its p50/p99, the operator's
 * own reconcile timer, and the operator's resident memory. Not a test: run with {@code
 * e2e/bench/operator-scale.sh}.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorScaleBench {
  static final Path ROOT = MockCluster.ROOT;
  static final int PAIRS = Integer.getInteger("pairs", 500);

  /** Pairs created per second; 0 creates them as fast as the mock takes them. */
  static final int RATE = Integer.getInteger("rate", 0);

  static final String OPERATOR_JVM = "-XX:+UseSerialGC -XX:MaxRAMPercentage=50";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void reconcileLatencyAndMemoryAtScale() throws Exception {
    MockCluster.prepare(server, client);
    for (int i = 0; i < PAIRS; i++) {
      for (int side = 0; side < 2; side++) {
        MockCluster.addNode(client, nodeName(i, side), address(i, side));
      }
    }

    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> firstStatus = new ConcurrentHashMap<>();
    SharedIndexInformer<HAPair> watch =
        client
            .resources(HAPair.class)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(HAPair p) {
                    seen(p);
                  }

                  @Override
                  public void onUpdate(HAPair old, HAPair p) {
                    seen(p);
                  }

                  @Override
                  public void onDelete(HAPair p, boolean unknown) {}

                  private void seen(HAPair p) {
                    if (p.getStatus() != null && p.getStatus().getPhase() != null) {
                      firstStatus.putIfAbsent(p.getMetadata().getName(), System.nanoTime());
                    }
                  }
                });

    int metricsPort = freePort();
    Path log = Files.createTempFile("operator-scale", ".log");
    List<String> command = new ArrayList<>(List.of("java", "-XX:MaxRAM=384m"));
    // The chart's memory limit (384Mi) and JVM options (helm/hapair/values.yaml).
    command.addAll(List.of(System.getProperty("operatorJvm", OPERATOR_JVM).split(" ")));
    command.addAll(
        List.of(
            "-Dkubernetes.master=" + client.getConfiguration().getMasterUrl(),
            "-Dkubernetes.trust.certificates=true",
            "-Dkubernetes.auth.tryKubeConfig=false",
            "-Dkubernetes.auth.tryServiceAccount=false",
            "-jar",
            ROOT.resolve("operator/target/hapair-operator.jar").toString(),
            "--install-namespace=hapair-system",
            "--lease-namespace=hapair-system",
            "--metrics=127.0.0.1:" + metricsPort));
    Process operator =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> get(http, metricsPort, "/readyz").statusCode() == 200);

      long start = System.nanoTime();
      String template = Files.readString(ROOT.resolve("manifests/examples/active-passive.yaml"));
      for (int i = 0; i < PAIRS; i++) {
        HAPair pair =
            client
                .resources(HAPair.class)
                .load(new ByteArrayInputStream(template.getBytes()))
                .item();
        pair.getMetadata().setName("pair-" + i);
        pair.getMetadata().setNamespace("default");
        pair.getSpec().getNodes().get(0).setName(nodeName(i, 0));
        pair.getSpec().getNodes().get(0).setAddress(address(i, 0));
        pair.getSpec().getNodes().get(1).setName(nodeName(i, 1));
        pair.getSpec().getNodes().get(1).setAddress(address(i, 1));
        pair.getSpec().getVolume().setInitialSyncSource(nodeName(i, 0));
        pair.getSpec().setPreferredPrimary(nodeName(i, 0));
        pair.getSpec().getVirtualIPs().get(0).setAddress(address(i, 2) + "/16");
        if (RATE > 0) {
          // Paced creation: pair i is due i/RATE seconds after the start.
          long due = start + i * 1_000_000_000L / RATE;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        created.put(pair.getMetadata().getName(), System.nanoTime());
        client.resource(pair).create();
      }
      long createdAll = System.nanoTime();
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> firstStatus.size() == PAIRS);
      long done = System.nanoTime();

      List<Long> latencies = new ArrayList<>();
      created.forEach((name, at) -> latencies.add((firstStatus.get(name) - at) / 1_000_000));
      latencies.sort(null);
      // Baseline in the same run: what one request to this mock API server costs, idle.
      long mockStart = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        client.resources(HAPair.class).inNamespace("default").withName("pair-" + i).get();
      }
      double mockGetMillis = (System.nanoTime() - mockStart) / 1e6 / 100;
      String metrics = get(http, metricsPort, "/metrics").body();
      long rssKiB = rssKiB(operator.pid());
      System.out.printf(
          "pairs=%d rate=%s created in %d ms, all with a status %d ms after the first%n",
          PAIRS,
          RATE == 0 ? "unpaced" : RATE + "/s",
          (createdAll - start) / 1_000_000,
          (done - start) / 1_000_000);
      System.out.printf(
          "creation-to-status ms: p50=%d p90=%d p99=%d max=%d%n",
          pct(latencies, 50),
          pct(latencies, 90),
          pct(latencies, 99),
          latencies.get(latencies.size() - 1));
      List<String> reconcile =
          metrics
              .lines()
              .filter(
                  l ->
                      l.startsWith("operator_sdk_controllers_execution_reconcile_seconds")
                          && l.contains("controller=\"hapair\""))
              .toList();
      System.out.printf(
          "operator reconcile: %d reconciles, mean %.0f ms, p50 %s, p99 %s, max %.0f ms%n",
          (long) value(reconcile, "_count"),
          value(reconcile, "_sum") * 1000 / value(reconcile, "_count"),
          percentile(reconcile, 0.50),
          percentile(reconcile, 0.99),
          value(reconcile, "_max") * 1000);
      System.out.printf("operator RSS: %d MiB%n", rssKiB / 1024);
      System.out.printf("mock API server, one GET while idle: %.1f ms%n", mockGetMillis);
      System.out.printf(
          "operator CPU: %.1f s in all (JVM start included), %.1f ms per pair%n",
          cpuSeconds(operator.pid()), cpuSeconds(operator.pid()) * 1000 / PAIRS);
      assertThat(client.secrets().inNamespace("hapair-system").list().getItems()).hasSize(PAIRS);
    } finally {
      watch.close();
      operator.destroy();
      System.out.println("operator log: " + log);
    }
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double value(List<String> series, String suffix) {
    return series.stream()
        .filter(l -> l.startsWith("operator_sdk_controllers_execution_reconcile_seconds" + suffix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(Double.NaN);
  }

  /** The upper bound of the histogram bucket holding the quantile, as Prometheus would bound it. */
  private static String percentile(List<String> series, double quantile) {
    double total = value(series, "_count");
    for (String line : series) {
      if (!line.contains("_bucket{")) {
        continue;
      }
      double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (count >= quantile * total) {
        String le = line.replaceAll(".*le=\"([^\"]+)\".*", "$1");
        return "<= " + Math.round(Double.parseDouble(le) * 1000) + " ms";
      }
    }
    return "?";
  }

  /** User plus system CPU time of a process, from /proc (clock ticks of 1/100 s). */
  private static double cpuSeconds(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private static long rssKiB(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static String nodeName(int pair, int side) {
    return "bm-" + pair + "-" + (side == 0 ? "a" : "b");
  }

  /** 10.x.y.z addresses: side 0 and 1 are the nodes, 2 the VIP. */
  private static String address(int pair, int side) {
    int n = pair * 3 + side;
    return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255 | 0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
