package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent cannot run under the baseline Pod Security level, so its namespace must enforce
 * privileged: manifests/install.yaml labels its Namespace so, and the Helm docs say how.
 */
class PodSecurityTest {
  private static final Path INSTALL = Path.of("..", "manifests", "install.yaml");
  private static final Path DOCS = Path.of("..", "docs", "how-to", "install.md");

  @Test
  void theAgentNeedsThePrivilegedLevelForWhatItDoes() {
    PodSpec agent =
        Chart.render(null).get(DaemonSet.class, "hapair-agent").getSpec().getTemplate().getSpec();

    assertThat(PodSecurity.baselineViolations(agent))
        .containsExactlyInAnyOrder(
            "hostNetwork",
            "hostPath volume state",
            "hostPath volume devices",
            "privileged",
            "capability NET_ADMIN",
            "capability NET_RAW");
  }

  @Test
  void anUnprivilegedAgentStillNeedsTheHostNetworkItsVolumesAndNetAdmin() {
    PodSpec agent =
        Chart.render(Path.of("src/test/resources/values-everything.yaml"))
            .get(DaemonSet.class, "hapair-agent")
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(PodSecurity.baselineViolations(agent))
        .doesNotContain("privileged")
        .contains("hostNetwork", "capability NET_ADMIN", "capability NET_RAW");
  }

  @Test
  void theOperatorMeetsTheRestrictedLevel() {
    PodSpec operator =
        Chart.render(null)
            .get(Deployment.class, "hapair-operator")
            .getSpec()
            .getTemplate()
            .getSpec();

    assertThat(PodSecurity.restrictedViolations(operator)).isEmpty();
  }

  @Test
  void theInstallManifestsNamespaceEnforcesPrivileged() throws Exception {
    List<HasMetadata> objects = Chart.parse(Files.readString(INSTALL));
    Namespace namespace = (Namespace) objects.get(0);

    assertThat(namespace.getMetadata().getName()).isEqualTo(Chart.NAMESPACE);
    assertThat(namespace.getMetadata().getLabels())
        .containsAllEntriesOf(PodSecurity.NAMESPACE_LABELS)
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
  }

  @Test
  void theHelmDocsLabelTheNamespaceTheSameWay() throws Exception {
    String docs = Files.readString(DOCS);
    for (Map.Entry<String, String> label : PodSecurity.NAMESPACE_LABELS.entrySet()) {
      assertThat(docs)
          .as("docs/how-to/install.md labels the namespace %s", label.getKey())
          .contains(label.getKey() + "=" + label.getValue());
    }
    assertThat(docs).contains("kubectl label namespace hapair-system");
  }
}
