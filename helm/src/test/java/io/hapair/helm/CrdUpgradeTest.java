package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From chart 0.1.0, whose CRDs were in crds/ (installed once, never upgraded by Helm), to this
 * chart, which renders them as templates. What a render can show: the upgrade's manifest carries
 * every CRD of the previous chart, by name, still serving every version it served, in the schema of
 * crds/, kept on uninstall. What it cannot: the API server accepting the change, and Helm adopting
 * CRDs that the previous chart created outside the release (docs/how-to/install.md, Upgrades:
 * `--take-ownership`).
 */
class CrdUpgradeTest {
  /** The last commit with chart 0.1.0, the CRDs in its crds/ directory. */
  private static final String PREVIOUS_CHART = "5ebf15be364f7b4b7fb588fe4798cf259ccb26eb";

  @Test
  void thePreviousChartLeftItsCrdsToHelmsFirstInstallOnly(@TempDir Path tmp) throws Exception {
    Path previous = checkout(tmp);

    assertThat(Files.readString(previous.resolve("Chart.yaml"))).contains("version: 0.1.0");
    assertThat(kinds(render(previous))).doesNotContain("CustomResourceDefinition");
    assertThat(crdsIn(previous.resolve("crds"))).isNotEmpty();
  }

  @Test
  void theUpgradeCarriesEveryCrdOfThePreviousChartStillServingItsVersions(@TempDir Path tmp)
      throws Exception {
    List<CustomResourceDefinition> before = crdsIn(checkout(tmp).resolve("crds"));
    List<CustomResourceDefinition> after = crds(Chart.template(null, Map.of()));

    assertThat(after)
        .extracting(c -> c.getMetadata().getName())
        .containsAll(before.stream().map(c -> c.getMetadata().getName()).toList());
    for (CustomResourceDefinition old : before) {
      CustomResourceDefinition updated = named(after, old.getMetadata().getName());
      assertThat(served(updated))
          .as("%s: a version stored objects use must stay served", old.getMetadata().getName())
          .containsAll(served(old));
      assertThat(updated.getSpec().getVersions())
          .filteredOn(CustomResourceDefinitionVersion::getStorage)
          .hasSize(1);
      assertThat(updated.getSpec().getGroup()).isEqualTo(old.getSpec().getGroup());
      assertThat(updated.getSpec().getScope()).isEqualTo(old.getSpec().getScope());
      assertThat(updated.getSpec().getNames().getKind())
          .isEqualTo(old.getSpec().getNames().getKind());
    }
  }

  @Test
  void theRenderedCrdsAreTheGeneratedOnesKeptOnUninstall() throws IOException {
    List<CustomResourceDefinition> rendered = crds(Chart.template(null, Map.of()));
    List<CustomResourceDefinition> generated = crdsIn(Path.of("..", "crds"));

    assertThat(rendered).hasSameSizeAs(generated);
    for (CustomResourceDefinition crd : generated) {
      CustomResourceDefinition out = named(rendered, crd.getMetadata().getName());
      assertThat(out.getSpec()).isEqualTo(crd.getSpec());
      assertThat(out.getMetadata().getAnnotations())
          .containsEntry("helm.sh/resource-policy", "keep");
      assertThat(out.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "Helm");
    }
  }

  @Test
  void crdsManagedApartAreLeftOut() {
    assertThat(kinds(Chart.template(null, Map.of("crds.enabled", false))))
        .doesNotContain("CustomResourceDefinition")
        .contains("Deployment");
    assertThat(crds(Chart.template(null, Map.of("crds.keep", false))))
        .allSatisfy(c -> assertThat(c.getMetadata().getAnnotations()).isNullOrEmpty());
  }

  @Test
  void theDocsSayHowToUpgradeFromTheCrdsDirectory() throws IOException {
    String docs = Files.readString(Path.of("..", "docs", "how-to", "install.md"));

    assertThat(docs).contains("## Upgrades").contains("--take-ownership");
  }

  /** The previous chart's files, from git history. */
  private static Path checkout(Path tmp) throws IOException, InterruptedException {
    Path archive = tmp.resolve("chart.tar");
    run(
        tmp,
        "git",
        "-C",
        Path.of("..").toAbsolutePath().toString(),
        "archive",
        "-o",
        archive.toString(),
        PREVIOUS_CHART,
        "helm/hapair");
    run(tmp, "tar", "-xf", archive.toString(), "-C", tmp.toString());
    return tmp.resolve("helm/hapair");
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s timed out", command[0]).isTrue();
    assertThat(process.exitValue())
        .as(
            "%s (a full clone is needed for the chart's history): %s",
            String.join(" ", command), output)
        .isZero();
  }

  private static String render(Path chart) {
    return new Helm(chart)
        .template()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeVersion(Chart.KUBE_VERSION)
        .call();
  }

  private static List<String> kinds(String yaml) {
    return Chart.parse(yaml).stream().map(HasMetadata::getKind).toList();
  }

  private static List<CustomResourceDefinition> crds(String yaml) {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.contains("kind: CustomResourceDefinition")
          || document.contains("kind: \"CustomResourceDefinition\"")) {
        crds.add(Serialization.unmarshal(document, CustomResourceDefinition.class));
      }
    }
    return crds;
  }

  private static List<CustomResourceDefinition> crdsIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<CustomResourceDefinition> crds = new ArrayList<>();
      for (Path file : files.sorted().toList()) {
        crds.addAll(crds(Files.readString(file)));
      }
      return crds;
    }
  }

  private static CustomResourceDefinition named(List<CustomResourceDefinition> crds, String name) {
    return crds.stream()
        .filter(c -> c.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no CRD " + name));
  }

  private static List<String> served(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().stream()
        .filter(CustomResourceDefinitionVersion::getServed)
        .map(CustomResourceDefinitionVersion::getName)
        .toList();
  }
}
