package io.hapair.common;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real scrape of a /metrics endpoint, its series' values, and promtool's verdict on it. */
public record Scrape(String text) {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public static Scrape of(int port) throws IOException, InterruptedException {
    return new Scrape(
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The value of one series, written as Prometheus prints it (labels in name order). */
  public double value(String series) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  /**
   * {@code promtool check metrics} on this scrape: its output, empty when it finds nothing. A
   * missing promtool (Debian package prometheus, scripts/install-deps.sh) fails the test.
   */
  public String promtoolProblems(Path scratch) throws IOException, InterruptedException {
    Path file = Files.createTempFile(scratch, "scrape", ".prom");
    Files.writeString(file, text);
    Process promtool;
    try {
      promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is needed (apt-get install prometheus; see scripts/install-deps.sh)", e);
    }
    String output = new String(promtool.getInputStream().readAllBytes());
    if (!promtool.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
      promtool.destroyForcibly();
      throw new AssertionError("promtool check metrics still running after 60 s");
    }
    return promtool.exitValue() == 0 && output.isBlank()
        ? ""
        : "exit " + promtool.exitValue() + ": " + output;
  }
}
