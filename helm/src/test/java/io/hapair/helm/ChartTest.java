package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart as Helm renders it: what the agent and the operator need, and nothing more. */
class ChartTest {
  private static final Path EVERYTHING = Path.of("src/test/resources/values-everything.yaml");

  @Test
  void lintsCleanly() {
    LintResult lint = new Helm(Chart.DIR).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theDefaultsRenderTheOperatorTheAgentAndTheirRbacOnly() {
    Chart.Rendered rendered = Chart.render(null);
    assertThat(rendered.kinds())
        .containsExactly(
            "ClusterRole",
            "ClusterRole",
            "ClusterRoleBinding",
            "ClusterRoleBinding",
            "CustomResourceDefinition",
            "CustomResourceDefinition",
            "DaemonSet",
            "Deployment",
            "PodDisruptionBudget",
            "Role",
            "Role",
            "RoleBinding",
            "RoleBinding",
            "Service",
            "ServiceAccount",
            "ServiceAccount");
    assertThat(rendered.objects())
        .filteredOn(
            o ->
                !o.getKind().startsWith("Cluster")
                    && !o.getKind().equals("CustomResourceDefinition"))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE));
  }

  @Test
  void theAgentRunsOnTheHostNetworkWithTheCapabilitiesForTheVirtualIp() {
    DaemonSet agent = Chart.render(null).get(DaemonSet.class, "hapair-agent");
    PodSpec pod = agent.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(container.getSecurityContext().getCapabilities().getAdd())
        .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW");
    assertThat(agent.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getNodeSelector()).containsEntry("hapair.io/agent", "true");
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(container.getResources().getLimits()).doesNotContainKey("cpu");
    assertThat(container.getImage()).isEqualTo("ghcr.io/hapair/hapair-agent:0.1.0");
    assertThat(container.getArgs())
        .containsExactly(
            "kube",
            "--node=$(NODE_NAME)",
            "--namespace=$(POD_NAMESPACE)",
            "--state-dir=/var/lib/hapair",
            "--metrics=$(HOST_IP):9796",
            "--serve-namespace=" + Chart.NAMESPACE);
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("NODE_NAME");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
            });
    assertThat(pod.getVolumes())
        .extracting(v -> v.getHostPath().getPath())
        .containsExactlyInAnyOrder("/var/lib/hapair", "/dev");
    assertProbesOnMetricsPort(container, 9796);
  }

  @Test
  void theOperatorRunsUnprivilegedWithProbes() {
    Deployment operator = Chart.render(null).get(Deployment.class, "hapair-operator");
    Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(container.getArgs())
        .contains(
            "--install-namespace=$(POD_NAMESPACE)",
            "--agent-daemonset=hapair-agent",
            "--namespace=" + Chart.NAMESPACE)
        .noneMatch(a -> a.startsWith("--allow"));
    assertProbesOnMetricsPort(container, 8080);
  }

  @Test
  void everySelectorMatchesWhatItSelects() {
    Chart.Rendered rendered = Chart.render(EVERYTHING);
    Deployment operator = rendered.get(Deployment.class, "hapair-operator");
    DaemonSet agent = rendered.get(DaemonSet.class, "hapair-agent");
    Service metrics = rendered.get(Service.class, "hapair-operator-metrics");
    Map<String, String> operatorPods = operator.getSpec().getTemplate().getMetadata().getLabels();
    Map<String, String> agentPods = agent.getSpec().getTemplate().getMetadata().getLabels();

    assertThat(operatorPods)
        .containsAllEntriesOf(operator.getSpec().getSelector().getMatchLabels());
    assertThat(agentPods).containsAllEntriesOf(agent.getSpec().getSelector().getMatchLabels());
    assertThat(operatorPods).containsAllEntriesOf(metrics.getSpec().getSelector());
    // The two workloads must not select each other's pods.
    assertThat(agentPods).doesNotContainEntry("app.kubernetes.io/component", "operator");

    GenericKubernetesResource serviceMonitor =
        rendered.get(GenericKubernetesResource.class, "hapair-operator");
    GenericKubernetesResource podMonitor =
        rendered.get(GenericKubernetesResource.class, "hapair-agent");
    assertThat(metrics.getMetadata().getLabels())
        .containsAllEntriesOf(matchLabels(serviceMonitor))
        .containsEntry("app.kubernetes.io/component", "operator");
    assertThat(agentPods).containsAllEntriesOf(matchLabels(podMonitor));
    assertThat(serviceMonitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    // The series' own namespace label (the HAPair's) wins over the scraped pod's; the agents'
    // job has the fixed name HAPairAgentDown selects on.
    JsonNode agentEndpoint =
        new ObjectMapper()
            .valueToTree(podMonitor.getAdditionalProperties())
            .at("/spec/podMetricsEndpoints/0");
    assertThat(agentEndpoint.get("honorLabels").asBoolean()).isTrue();
    assertThat(agentEndpoint.at("/relabelings/0/targetLabel").asText()).isEqualTo("job");
    assertThat(agentEndpoint.at("/relabelings/0/replacement").asText()).isEqualTo("hapair-agent");
    assertThat(
            new ObjectMapper()
                .valueToTree(serviceMonitor.getAdditionalProperties())
                .at("/spec/endpoints/0/honorLabels")
                .asBoolean())
        .isTrue();
  }

  @Test
  void eachServiceAccountIsBoundToItsOwnRoles() {
    Chart.Rendered rendered = Chart.render(null);
    for (String component : List.of("operator", "agent")) {
      String name = "hapair-" + component;
      String podAccount =
          component.equals("operator")
              ? rendered
                  .get(Deployment.class, name)
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getServiceAccountName()
              : rendered
                  .get(DaemonSet.class, name)
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getServiceAccountName();
      assertThat(podAccount).isEqualTo(name);
      ClusterRoleBinding clusterBinding = rendered.get(ClusterRoleBinding.class, name);
      RoleBinding binding = rendered.get(RoleBinding.class, name);
      assertThat(clusterBinding.getRoleRef().getName()).isEqualTo(name);
      assertThat(binding.getRoleRef().getName()).isEqualTo(name);
      assertThat(clusterBinding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getName()).isEqualTo(name);
                assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
              });
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(s -> assertThat(s.getName()).isEqualTo(name));
    }
  }

  @Test
  void theAgentHasLeastPrivilege() {
    Chart.Rendered rendered = Chart.render(null);
    List<PolicyRule> cluster = rendered.get(ClusterRole.class, "hapair-agent").getRules();
    List<PolicyRule> local = rendered.get(Role.class, "hapair-agent").getRules();

    // Cluster-wide it only reads HAPairs and writes Events: no Secrets, Nodes or Pods.
    assertThat(verbs(cluster, "hapair.io", "hapairs")).containsExactly("get", "list", "watch");
    assertThat(verbs(cluster, "", "events")).containsExactly("create", "patch");
    assertThat(resources(cluster)).containsExactlyInAnyOrder("hapairs", "events");
    // In the install namespace: Secrets read-only, Leases compare-and-swap only (the operator
    // creates them, so an agent can never recreate a deleted witness record at a lower epoch).
    // Secrets by name only: no list or watch of what else the namespace holds.
    assertThat(verbs(local, "", "secrets")).containsExactly("get");
    assertThat(verbs(local, "coordination.k8s.io", "leases")).containsExactly("get", "update");
    assertThat(verbs(local, "hapair.io", "hapairnodes"))
        .containsExactlyInAnyOrder("get", "create", "update", "delete");
    assertThat(cluster)
        .noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"));
    assertThat(local).noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"));
  }

  @Test
  void theOperatorCanDoWhatItsJobNeeds() {
    Chart.Rendered rendered = Chart.render(null);
    List<PolicyRule> cluster = rendered.get(ClusterRole.class, "hapair-operator").getRules();
    List<PolicyRule> local = rendered.get(Role.class, "hapair-operator").getRules();

    assertThat(verbs(cluster, "hapair.io", "hapairs/status")).contains("patch");
    assertThat(verbs(cluster, "", "nodes")).contains("patch"); // scheduling and pinning labels
    assertThat(verbs(cluster, "", "pods/eviction")).containsExactly("create");
    assertThat(verbs(cluster, "", "services/status")).contains("patch");
    assertThat(verbs(cluster, "", "secrets")).isEmpty(); // Secrets only in its own namespace
    assertThat(verbs(local, "", "secrets")).contains("create", "get");
    assertThat(verbs(local, "coordination.k8s.io", "leases")).contains("create", "update");
    assertThat(cluster)
        .noneMatch(r -> r.getVerbs().contains("*") || r.getResources().contains("*"));
  }

  @Test
  void nonDefaultValuesReachTheObjects() {
    Chart.Rendered rendered = Chart.render(EVERYTHING);
    Deployment operator = rendered.get(Deployment.class, "hapair-operator");
    Container operatorContainer = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    DaemonSet agent = rendered.get(DaemonSet.class, "hapair-agent");
    PodSpec agentPod = agent.getSpec().getTemplate().getSpec();
    Container agentContainer = agentPod.getContainers().get(0);

    assertThat(operator.getSpec().getReplicas()).isEqualTo(3);
    assertThat(operatorContainer.getImage())
        .isEqualTo("registry.example.com/storage/hapair-operator:0.1.0-rc1");
    assertThat(operatorContainer.getArgs())
        .contains(
            "--namespace=databases",
            "--namespace=queues",
            "--metrics=0.0.0.0:18080",
            "--allow-commands",
            "--allowed-disk=/dev/disk/by-id/wwn-0x5000c500*",
            "--allowed-disk=/var/lib/hapair/disks/")
        .doesNotContain("--namespace=" + Chart.NAMESPACE);
    assertProbesOnMetricsPort(operatorContainer, 18080);
    assertThat(operator.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(s -> s.getName())
        .containsExactly("regcred");

    assertThat(agentContainer.getSecurityContext().getPrivileged()).isFalse();
    assertThat(agentContainer.getArgs())
        .contains(
            "--state-dir=/srv/hapair",
            "--metrics=$(HOST_IP):19796",
            "--serve-namespace=databases",
            "--serve-namespace=queues",
            "--allow-commands",
            "--allowed-disk=/dev/disk/by-id/wwn-0x5000c500*",
            "--allowed-disk=/var/lib/hapair/disks/");
    assertProbesOnMetricsPort(agentContainer, 19796);
    assertThat(agentPod.getNodeSelector())
        .containsEntry("hapair.io/agent", "true")
        .containsEntry("storage", "nvme");
    assertThat(agentPod.getVolumes())
        .extracting(v -> v.getHostPath().getPath())
        .contains("/srv/hapair");
  }

  @Test
  void theAlertsAreTheTwelveNamedAndUseOnlyDocumentedMetrics() throws Exception {
    Chart.Rendered rendered = Chart.render(EVERYTHING);
    GenericKubernetesResource rule = rendered.get(GenericKubernetesResource.class, "hapair");
    assertThat(rule.getKind()).isEqualTo("PrometheusRule");
    JsonNode rules =
        new ObjectMapper().valueToTree(rule.getAdditionalProperties()).at("/spec/groups/0/rules");
    List<String> alerts = rules.findValuesAsText("alert");
    assertThat(alerts)
        .containsExactly(
            "HAPairSplitBrain",
            "HAPairDegraded",
            "HAPairResyncStalled",
            "HAPairWitnessUnreachable",
            "HAPairPeerOutdated",
            "HAPairWitnessDistrusted",
            "HAPairNoPrimary",
            "HAPairTwoPrimaries",
            "HAPairAgentDown",
            "HAPairLongGcPause",
            "HAPairOperatorErrors",
            "HAPairFailover");
    assertThat(rules.get(1).get("for").asText()).isEqualTo("10m");
    String expressions = String.join("\n", rules.findValuesAsText("expr"));
    assertThat(metricNames(expressions)).isSubsetOf(documentedMetrics());
  }

  @Test
  void theDashboardIsValidJsonOverDocumentedMetrics() throws Exception {
    Chart.Rendered rendered = Chart.render(EVERYTHING);
    ConfigMap dashboard = rendered.get(ConfigMap.class, "hapair-dashboard");
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("hapair.json"));
    assertThat(json.get("uid").asText()).isEqualTo("hapair-overview");
    List<String> expressions = json.findValuesAsText("expr");
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(14);
    Set<String> used = metricNames(String.join("\n", expressions));
    assertThat(used).isSubsetOf(documentedMetrics());
    // Every agent metric in the reference is on the dashboard.
    assertThat(used).containsAll(documentedMetrics());
  }

  @Test
  void valuesOutsideTheSchemaAreRefused() {
    assertThatThrownBy(() -> Chart.template(null, Map.of("agent.resources.limits.cpu", "1")))
        .hasMessageContaining("/agent/resources/limits");
    assertThatThrownBy(() -> Chart.template(null, Map.of("operator.replica", 2)))
        .hasMessageContaining("replica");
    assertThatThrownBy(
            () -> Chart.template(null, Map.of("metrics.prometheusRule.degradedFor", "five")))
        .hasMessageContaining("degradedFor");
  }

  @Test
  void theChartCarriesTheGeneratedCrds() throws Exception {
    Path generated = Path.of("..", "crds");
    Path copies = Chart.DIR.resolve("files").resolve("crds");
    try (var files = Files.list(generated)) {
      for (Path crd : files.toList()) {
        assertThat(copies.resolve(crd.getFileName()))
            .as("helm/hapair/files/crds/%s is a copy of crds/ (make manifests)", crd.getFileName())
            .hasSameTextualContentAs(crd);
      }
    }
    try (var files = Files.list(copies)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .allMatch(name -> Files.exists(generated.resolve(name)));
    }
  }

  private static void assertProbesOnMetricsPort(Container container, int port) {
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("metrics");
              assertThat(p.getContainerPort()).isEqualTo(port);
            });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("metrics");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("metrics");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> matchLabels(GenericKubernetesResource monitor) {
    Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
    Map<String, Object> selector = (Map<String, Object>) spec.get("selector");
    return (Map<String, String>) selector.get("matchLabels");
  }

  private static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }

  private static Set<String> resources(List<PolicyRule> rules) {
    Set<String> all = new TreeSet<>();
    rules.forEach(r -> all.addAll(r.getResources()));
    return all;
  }

  /** hapair_* series named in PromQL, with the histogram suffixes folded into their family. */
  private static Set<String> metricNames(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("hapair_[a-z_]+").matcher(promql);
    while (m.find()) {
      names.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
    }
    return names;
  }

  /** The agent metrics docs/reference/metrics.md lists. */
  private static Set<String> documentedMetrics() throws Exception {
    return metricNames(Files.readString(Path.of("..", "docs", "reference", "metrics.md")));
  }
}
