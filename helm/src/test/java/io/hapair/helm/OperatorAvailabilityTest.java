package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's replicas survive a node drain and prefer different nodes. */
class OperatorAvailabilityTest {
  @Test
  void aDisruptionBudgetKeepsAReplicaThroughADrain() {
    Chart.Rendered rendered = Chart.render(null);
    Deployment operator = rendered.get(Deployment.class, "hapair-operator");
    PodDisruptionBudget budget = rendered.get(PodDisruptionBudget.class, "hapair-operator");

    assertThat(budget.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    assertThat(operator.getSpec().getReplicas()).isGreaterThan(1);
  }

  @Test
  void oneReplicaGetsNoBudgetThatWouldBlockEveryDrain() {
    Chart.Rendered rendered =
        new Chart.Rendered(Chart.parse(Chart.template(null, Map.of("operator.replicas", 1))));

    assertThat(rendered.objects())
        .extracting(HasMetadata::getKind)
        .doesNotContain("PodDisruptionBudget");
  }

  @Test
  void theReplicasPreferDifferentNodes() {
    Deployment operator = Chart.render(null).get(Deployment.class, "hapair-operator");
    PodSpec pod = operator.getSpec().getTemplate().getSpec();

    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution())
        .as("soft: a one-node cluster must still run both replicas")
        .isEmpty();
    WeightedPodAffinityTerm term =
        pod.getAffinity()
            .getPodAntiAffinity()
            .getPreferredDuringSchedulingIgnoredDuringExecution()
            .get(0);
    assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(term.getPodAffinityTerm().getLabelSelector().getMatchLabels());
  }

  @Test
  void anAffinityOfTheUsersReplacesTheDefault() {
    Deployment operator =
        new Chart.Rendered(
                Chart.parse(
                    Chart.template(
                        null,
                        Map.of(
                            "operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key",
                            "zone",
                            "operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator",
                            "Exists"))))
            .get(Deployment.class, "hapair-operator");

    assertThat(operator.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity())
        .isNull();
    assertThat(operator.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity())
        .isNotNull();
  }

  @Test
  void aSlowStartIsNotKilledButALostInformerIs() {
    Deployment operator = Chart.render(null).get(Deployment.class, "hapair-operator");
    Container container = operator.getSpec().getTemplate().getSpec().getContainers().get(0);

    Probe startup = container.getStartupProbe();
    assertThat(startup.getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
        .isGreaterThanOrEqualTo(300);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
  }

  @Test
  void theOperatorReadsTheApiServersEndpointSliceOnly() {
    List<PolicyRule> rules =
        Chart.render(null).get(ClusterRole.class, "hapair-operator").getRules();

    assertThat(rules)
        .filteredOn(r -> r.getResources().contains("endpointslices"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("discovery.k8s.io");
              assertThat(r.getResourceNames()).containsExactly("kubernetes");
              assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
            });
    assertThat(rules).noneMatch(r -> r.getResources().contains("endpoints"));
  }
}
