package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust values (docs/design/0007) as the operator and the agents receive them. */
class TrustChartTest {
  @TempDir Path dir;

  /** Renders with a values file of the given YAML lines (lists do not survive --set quoting). */
  private String template(String... valuesLines) throws IOException {
    Path values = Files.writeString(dir.resolve("values.yaml"), String.join("\n", valuesLines));
    return Chart.template(values, Map.of());
  }

  private Chart.Rendered render(String... valuesLines) throws IOException {
    return new Chart.Rendered(Chart.parse(template(valuesLines)));
  }

  private static List<String> operatorArgs(Chart.Rendered rendered) {
    return container(rendered.get(Deployment.class, "hapair-operator").getSpec().getTemplate())
        .getArgs();
  }

  private static List<String> agentArgs(Chart.Rendered rendered) {
    return container(rendered.get(DaemonSet.class, "hapair-agent").getSpec().getTemplate())
        .getArgs();
  }

  private static Container container(PodTemplateSpec template) {
    return template.getSpec().getContainers().get(0);
  }

  @Test
  void byDefaultNoCommandsNoDisksAndOnlyTheReleaseNamespace() throws IOException {
    Chart.Rendered rendered = render();

    for (List<String> args : List.of(operatorArgs(rendered), agentArgs(rendered))) {
      assertThat(args).noneMatch(a -> a.startsWith("--allow"));
    }
    assertThat(operatorArgs(rendered))
        .filteredOn(a -> a.startsWith("--namespace="))
        .containsExactly("--namespace=" + Chart.NAMESPACE);
    assertThat(agentArgs(rendered))
        .filteredOn(a -> a.startsWith("--serve-namespace="))
        .containsExactly("--serve-namespace=" + Chart.NAMESPACE);
  }

  @Test
  void aStarServesEveryNamespace() throws IOException {
    Chart.Rendered rendered = render("trust:", "  servedNamespaces: ['*']");

    assertThat(operatorArgs(rendered)).noneMatch(a -> a.startsWith("--namespace="));
    assertThat(agentArgs(rendered)).noneMatch(a -> a.startsWith("--serve-namespace="));
  }

  @Test
  void theSchemaRefusesDiskEntriesThatAreRelativeOrNotNormalised() {
    for (String entry : List.of("dev/sdb", "/dev/disk/by-id/../../sda", "/dev//sdb", "/./dev")) {
      assertThatThrownBy(
              () -> Chart.template(null, Map.of("trust.allowedDisks", "{" + entry + "}")), entry)
          .hasMessageContaining("allowedDisks");
    }
  }

  @Test
  void theSchemaRefusesANamespaceThatIsNotOne() {
    assertThatThrownBy(() -> template("trust:", "  servedNamespaces: [Bad_Namespace]"))
        .hasMessageMatching("(?s).*trust[./]servedNamespaces[./]0.*");
  }

  @Test
  void theAgentsMetricsListenOnTheNodesInternalAddressByDefault() throws IOException {
    Container agent = agentContainer(render());

    assertThat(agent.getArgs()).contains("--metrics=$(HOST_IP):9796");
    assertThat(agent.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("HOST_IP");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.hostIP");
            });
    // The probes go to the pod's address, which on the host network is the node's.
    assertThat(agent.getLivenessProbe().getHttpGet().getHost()).isNull();
  }

  @Test
  void onLoopbackTheProbesFollowAndNoPodMonitorIsAllowed() throws IOException {
    Container agent = agentContainer(render("trust:", "  agentMetricsBind: loopback"));

    assertThat(agent.getArgs()).contains("--metrics=127.0.0.1:9796");
    assertThat(agent.getLivenessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    assertThat(agent.getReadinessProbe().getHttpGet().getHost()).isEqualTo("127.0.0.1");
    assertThatThrownBy(
            () ->
                template(
                    "trust:",
                    "  agentMetricsBind: loopback",
                    "metrics:",
                    "  podMonitor:",
                    "    enabled: true"))
        .hasMessageContaining("cannot be scraped by a PodMonitor");
  }

  @Test
  void allAddressesIsAnExplicitChoice() throws IOException {
    assertThat(agentContainer(render("trust:", "  agentMetricsBind: all")).getArgs())
        .contains("--metrics=0.0.0.0:9796");
    assertThatThrownBy(() -> template("trust:", "  agentMetricsBind: everywhere"))
        .hasMessageContaining("agentMetricsBind");
  }

  private static Container agentContainer(Chart.Rendered rendered) {
    return container(rendered.get(DaemonSet.class, "hapair-agent").getSpec().getTemplate());
  }
}
