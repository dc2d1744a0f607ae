package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart where it is installed: the Kubernetes versions it accepts, inside a parent chart, with
 * a current Helm release, and values the schema must refuse before anything reaches the cluster.
 */
class ChartCompatibilityTest {
  @Test
  void rendersWithACurrentHelmRelease() {
    Matcher version = Pattern.compile("v3\\.(\\d+)\\.").matcher(Helm.version().call());
    assertThat(version.find()).as(Helm.version().call()).isTrue();
    // Helm 3.18 changed the schema validator (JSON Schema 2020-12 aware): the tests run past it.
    assertThat(Integer.parseInt(version.group(1))).isGreaterThanOrEqualTo(18);
  }

  @Test
  void refusesKubernetesOlderThanTheCrdsNeed() throws IOException {
    // CEL rules with a fieldPath (x-kubernetes-validations) need 1.28.
    assertThat(Files.readString(Path.of("..", "crds", "hapairs.hapair.io-v1.yml")))
        .contains("fieldPath:");
    assertThatThrownBy(() -> templateFor("v1.27.9"))
        .hasMessageContaining("incompatible with Kubernetes v1.27.9");
    assertThat(templateFor("v1.28.0")).contains("kind: DaemonSet");
    assertThat(templateFor("v1.34.1")).contains("kind: DaemonSet");
  }

  @Test
  void theDocsStateTheSameMinimum() throws IOException {
    assertThat(Files.readString(Chart.DIR.resolve("Chart.yaml")))
        .contains("kubeVersion: \">=1.28.0-0\"");
    assertThat(Files.readString(Path.of("..", "docs", "how-to", "install.md")))
        .contains("Kubernetes 1.28 or newer");
  }

  @Test
  void rendersAsASubchartWithGlobalValuesAndACondition(@TempDir Path parent) throws IOException {
    writeParent(parent, "global:\n  imageRegistry: example.com\nhapair:\n  enabled: true\n");

    String rendered =
        new Helm(parent)
            .template()
            .withName("stack")
            .withKubeVersion(Chart.KUBE_VERSION)
            .dependencyUpdate()
            .call();

    Chart.Rendered objects = new Chart.Rendered(Chart.parse(rendered));
    assertThat(objects.kinds()).contains("DaemonSet", "Deployment");
    assertThat(objects.get(Deployment.class, "stack-hapair-operator").getSpec().getReplicas())
        .isEqualTo(1);
  }

  @Test
  void aParentChartCanSwitchItOff(@TempDir Path parent) throws IOException {
    writeParent(parent, "hapair:\n  enabled: false\n");

    String rendered =
        new Helm(parent)
            .template()
            .withName("stack")
            .withKubeVersion(Chart.KUBE_VERSION)
            .dependencyUpdate()
            .call();

    // Helm answers nothing at all for a chart without objects.
    assertThat(rendered == null ? "" : rendered).doesNotContain("hapair-agent");
  }

  @Test
  void quantitiesAreValidated() {
    assertThatThrownBy(() -> set("/operator/resources/requests/memory", "192 MiB"))
        .hasMessageContaining("/operator/resources/requests/memory");
    assertThatThrownBy(() -> set("/agent/resources/limits/memory", "lots"))
        .hasMessageContaining("/agent/resources/limits/memory");
    assertThatThrownBy(() -> set("operator.resources.request.cpu", "1"))
        .hasMessageContaining("request");
    assertThat(set("agent.resources.requests.memory", "1.5Gi")).contains("memory: 1.5Gi");
    assertThat(set("operator.resources.requests.cpu", "250m")).contains("cpu: 250m");
  }

  @Test
  void tolerationsAreValidated() {
    assertThatThrownBy(() -> set("agent.tolerations[0].operator", "Exist"))
        .hasMessageContaining("/agent/tolerations");
    assertThatThrownBy(() -> set("operator.tolerations[0].effect", "NoSchedul"))
        .hasMessageContaining("/operator/tolerations");
    assertThatThrownBy(() -> set("operator.tolerations[0].keys", "node-role"))
        .hasMessageContaining("keys");
    assertThat(set("operator.tolerations[0].key", "node-role.kubernetes.io/control-plane"))
        .contains("key: node-role.kubernetes.io/control-plane");
  }

  private static String set(String key, Object value) {
    return Chart.template(null, Map.of(key, value));
  }

  private static String templateFor(String kubeVersion) {
    return new Helm(Chart.DIR)
        .template()
        .withName(Chart.RELEASE)
        .withNamespace(Chart.NAMESPACE)
        .withKubeVersion(kubeVersion)
        .call();
  }

  /** A parent chart depending on this one by path, with the values given. */
  private static void writeParent(Path parent, String values) throws IOException {
    String version =
        Files.readString(Chart.DIR.resolve("Chart.yaml"))
            .lines()
            .filter(l -> l.startsWith("version:"))
            .findFirst()
            .orElseThrow()
            .substring("version:".length())
            .strip();
    Files.writeString(
        parent.resolve("Chart.yaml"),
        String.join(
            "\n",
            List.of(
                "apiVersion: v2",
                "name: stack",
                "version: 1.0.0",
                "dependencies:",
                "  - name: hapair",
                "    version: \"" + version + "\"",
                "    repository: \"file://" + Chart.DIR + "\"",
                "    condition: hapair.enabled",
                "")));
    Files.writeString(parent.resolve("values.yaml"), values + "  operator:\n    replicas: 1\n");
  }
}
