package io.hapair.common;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An agent's or the operator's HTTP endpoints: {@code /metrics} (Prometheus text format), {@code
 * /healthz} (200 while the process and what it depends on work, 503 naming what does not) and
 * {@code /readyz} (ready to work). Their meters live in Micrometer's global registry; this attaches
 * the Prometheus registry to it, with the JVM's and the process's own meters (see {@link
 * ProcessMeters}).
 */
public final class MetricsServer implements Closeable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ProcessMeters process;
  private final HttpServer http;

  /** Endpoints whose /healthz only says that the process answers. */
  public MetricsServer(InetSocketAddress bind, BooleanSupplier ready) throws IOException {
    this(bind, ready, List::of);
  }

  /**
   * @param problems what is wrong now, one line each; /healthz fails while there is any
   */
  public MetricsServer(
      InetSocketAddress bind, BooleanSupplier ready, Supplier<List<String>> problems)
      throws IOException {
    process = new ProcessMeters(registry);
    Metrics.addRegistry(registry);
    http = HttpServer.create(bind, 16);
    http.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    http.createContext(
        "/healthz",
        exchange -> {
          List<String> wrong = problems.get();
          respond(
              exchange,
              wrong.isEmpty() ? 200 : 503,
              wrong.isEmpty() ? "ok\n" : String.join("\n", wrong) + "\n",
              "text/plain");
        });
    http.createContext(
        "/readyz",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          respond(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "starting\n", "text/plain");
        });
    http.setExecutor(Executors.newSingleThreadExecutor(Daemons.named("metrics-http")));
    http.start();
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    Metrics.removeRegistry(registry);
    process.close();
    registry.close();
  }
}
