package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules, rendered by Helm with the default tuning, run through {@code promtool
 * test rules} against the unit tests in src/test/resources/alerts (series in, alerts out). Every
 * alert must have a test there, and promtool must be installed (Debian package prometheus): a
 * missing promtool fails this test instead of skipping it.
 */
class AlertRulesTest {
  static final Path TESTS = Path.of("src", "test", "resources", "alerts");

  @TempDir Path dir;

  @Test
  void everyAlertBehavesAsItsUnitTestsSay() throws Exception {
    JsonNode groups = renderedGroups();
    // JSON is YAML: promtool reads it as a rule file.
    Files.writeString(
        dir.resolve("rules.yaml"), new ObjectMapper().writeValueAsString(Map.of("groups", groups)));
    List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
    try (Stream<Path> files = Files.list(TESTS)) {
      for (Path test : files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList()) {
        Path copy = dir.resolve(test.getFileName());
        Files.copy(test, copy);
        command.add(copy.toString());
      }
    }
    assertThat(command).hasSizeGreaterThan(3);
    assertThat(run(command)).startsWith("exit 0");
  }

  @Test
  void everyAlertHasAUnitTestAndARunbookSection() throws Exception {
    Set<String> alerts = new TreeSet<>(renderedGroups().findValuesAsText("alert"));
    Set<String> tested = new TreeSet<>();
    try (Stream<Path> files = Files.list(TESTS)) {
      for (Path test : files.toList()) {
        Matcher m = Pattern.compile("alertname: (\\w+)").matcher(Files.readString(test));
        while (m.find()) {
          tested.add(m.group(1));
        }
      }
    }
    assertThat(tested).containsAll(alerts);
    String runbook = Files.readString(Path.of("..", "docs", "how-to", "runbook.md"));
    for (JsonNode rule : renderedGroups().findParents("alert")) {
      String url = rule.at("/annotations/runbook_url").asText();
      String alert = rule.get("alert").asText();
      assertThat(url)
          .as("runbook_url of %s", alert)
          .isEqualTo(
              "https://github.com/hapair/hapair/blob/main/docs/how-to/runbook.md#"
                  + alert.toLowerCase());
      assertThat(runbook)
          .as("the runbook's section on %s", alert)
          .contains("\n### " + alert + "\n");
    }
  }

  /** The PrometheusRule's groups, as Helm renders them with the chart's default tuning. */
  private static JsonNode renderedGroups() {
    Chart.Rendered rendered =
        new Chart.Rendered(
            Chart.parse(Chart.template(null, Map.of("metrics.prometheusRule.enabled", true))));
    GenericKubernetesResource rule = rendered.get(GenericKubernetesResource.class, "hapair");
    return new ObjectMapper().valueToTree(rule.getAdditionalProperties()).at("/spec/groups");
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is needed (apt-get install prometheus; see scripts/install-deps.sh)", e);
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool still running after 60 s");
    }
    return "exit " + process.exitValue() + "\n" + output;
  }
}
