package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * manifests/install.yaml is the chart rendered with its defaults (the CRDs included) into
 * hapair-system, behind the Namespace: `kubectl apply -f manifests/install.yaml` installs what
 * `helm install` does. Regenerate with `make manifests`.
 */
class InstallManifestTest {
  private static final Path INSTALL = Path.of("..", "manifests", "install.yaml");

  static String render() throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(
            "# hapair: everything `helm install hapair helm/hapair -n hapair-system` installs,\n")
        .append(
            "# for `kubectl apply -f`. Generated from the chart by `make manifests`; do not edit.\n")
        .append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ")
        .append(Chart.NAMESPACE)
        .append("\n  # The agent is privileged (see docs/how-to/install.md, Pod Security).\n")
        .append("  labels:\n");
    PodSecurity.NAMESPACE_LABELS.forEach(
        (key, value) -> out.append("    ").append(key).append(": ").append(value).append("\n"));
    String templates = Chart.template(null, Map.of()).strip();
    if (!templates.startsWith("---")) {
      out.append("---\n");
    }
    return out.append(templates).append("\n").toString();
  }

  @Test
  void isTheChartRenderedWithItsDefaults() throws IOException {
    String expected = render();
    if (Boolean.getBoolean("hapair.updateManifests")) {
      Files.writeString(INSTALL, expected);
    }
    assertThat(Files.readString(INSTALL))
        .as("manifests/install.yaml is stale: run make manifests")
        .isEqualTo(expected);
  }

  @Test
  void holdsTheNamespaceTheCrdsAndTheWorkloads() throws IOException {
    List<HasMetadata> objects = Chart.parse(Files.readString(INSTALL));
    assertThat(objects.get(0).getKind()).isEqualTo("Namespace");
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("CustomResourceDefinition", "Deployment", "DaemonSet");
    assertThat(objects)
        .filteredOn(o -> o.getKind().equals("CustomResourceDefinition"))
        .extracting(o -> o.getMetadata().getName())
        .contains("hapairs.hapair.io");
  }
}
