package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certificates.source}: the built-in CAs by default; with cert-manager the operator is told
 * the issuer and may manage cert-manager Certificates in the release namespace, and nothing else
 * gains any right.
 */
class CertificatesChartTest {
  @TempDir Path dir;

  private Chart.Rendered render(String... valuesLines) throws IOException {
    Path values = Files.writeString(dir.resolve("values.yaml"), String.join("\n", valuesLines));
    return new Chart.Rendered(Chart.parse(Chart.template(values, Map.of())));
  }

  private static List<String> operatorArgs(Chart.Rendered rendered) {
    return rendered
        .get(Deployment.class, "hapair-operator")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getArgs();
  }

  /** Every rule in the chart's Roles and ClusterRoles that names cert-manager's group. */
  private static List<PolicyRule> certManagerRules(Chart.Rendered rendered) {
    return Stream.concat(
            Stream.of("hapair-operator", "hapair-agent")
                .flatMap(n -> rendered.get(Role.class, n).getRules().stream()),
            Stream.of("hapair-operator", "hapair-agent")
                .flatMap(n -> rendered.get(ClusterRole.class, n).getRules().stream()))
        .filter(r -> r.getApiGroups().contains("cert-manager.io"))
        .toList();
  }

  @Test
  void byDefaultTheOperatorsOwnCasAndNoCertManagerRights() throws IOException {
    Chart.Rendered rendered = render();

    assertThat(operatorArgs(rendered)).noneMatch(a -> a.startsWith("--cert-manager"));
    assertThat(certManagerRules(rendered)).isEmpty();
  }

  @Test
  void withCertManagerTheOperatorGetsTheIssuerAndCertificatesInItsNamespaceOnly()
      throws IOException {
    Chart.Rendered rendered =
        render(
            "certificates:",
            "  source: cert-manager",
            "  certManager:",
            "    issuerRef: {name: hapair-ca, kind: ClusterIssuer}");

    assertThat(operatorArgs(rendered))
        .contains("--cert-manager-issuer=ClusterIssuer/hapair-ca.cert-manager.io");
    assertThat(certManagerRules(rendered))
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getResources()).containsExactly("certificates");
              assertThat(rule.getVerbs()).containsExactly("get", "create", "update", "delete");
            });
    assertThat(rendered.get(Role.class, "hapair-operator").getRules())
        .anyMatch(r -> r.getApiGroups().contains("cert-manager.io"));
  }

  @Test
  void certManagerWithoutAnIssuerIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> render("certificates:", "  source: cert-manager"))
        .hasMessageContaining("certificates")
        .hasMessageContaining("name");
  }

  @Test
  void anUnknownSourceIsRefusedByTheSchema() {
    assertThatThrownBy(() -> render("certificates:", "  source: vault"))
        .hasMessageContaining("certificates")
        .hasMessageContaining("source");
  }
}
