package io.hapair.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The agents' admission policies, rendered by the chart and evaluated with cel-java on the requests
 * an agent could send: its own node's objects pass, any other node's are denied with a reason, and
 * a token without the node claim is denied.
 */
class AgentAdmissionPolicyTest {
  static final String AGENT = "system:serviceaccount:hapair-system:hapair-agent";
  static final String NODE_CLAIM = "authentication.kubernetes.io/node-name";

  /** The policies need Kubernetes 1.30 (the token's node claim): rendered for it. */
  private static final Chart.Rendered RENDERED =
      new Chart.Rendered(
          Chart.parse(
              new Helm(Chart.DIR)
                  .template()
                  .withName(Chart.RELEASE)
                  .withNamespace(Chart.NAMESPACE)
                  .withKubeVersion("v1.30.0")
                  .call()));

  private static AdmissionPolicy policy(String name) {
    return new AdmissionPolicy(
        RENDERED.objects().stream()
            .filter(o -> o.getKind().equals("ValidatingAdmissionPolicy"))
            .filter(o -> o.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ValidatingAdmissionPolicy " + name)));
  }

  private static final AdmissionPolicy REPORTS = policy("hapair-agent-own-reports");
  private static final AdmissionPolicy NODES = policy("hapair-agent-node-labels");

  private static Map<String, Object> request(String user, String node, String operation) {
    Map<String, Object> userInfo = new HashMap<>();
    userInfo.put("username", user);
    if (node != null) {
      userInfo.put("extra", Map.of(NODE_CLAIM, List.of(node)));
    }
    return Map.of("userInfo", userInfo, "operation", operation);
  }

  private static Map<String, Object> report(String specNode, String labelNode) {
    return Map.of(
        "metadata",
        Map.of("name", "default.db." + specNode, "labels", Map.of("hapair.io/node", labelNode)),
        "spec",
        Map.of("node", specNode, "pairName", "db"));
  }

  private static Map<String, Object> node(String name, Map<String, String> labels, Object spec) {
    return Map.of("metadata", Map.of("name", name, "labels", labels), "spec", spec);
  }

  private static Optional<String> reports(
      String tokenNode, String op, Map<String, Object> object, Map<String, Object> old) {
    return REPORTS.denial(request(AGENT, tokenNode, op), object, old);
  }

  @Test
  void belowKubernetes130OrWhenDisabledThereIsNoPolicy() {
    assertThat(Chart.render(null).kinds()).doesNotContain("ValidatingAdmissionPolicy");
    assertThat(
            Chart.parse(
                    new Helm(Chart.DIR)
                        .template()
                        .withName(Chart.RELEASE)
                        .withNamespace(Chart.NAMESPACE)
                        .withKubeVersion("v1.31.0")
                        .set("trust.agentAdmissionPolicy.enabled", false)
                        .call())
                .stream()
                .map(o -> o.getKind()))
        .doesNotContain("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
  }

  @Test
  void bothPoliciesAreBoundWithDeny() {
    assertThat(RENDERED.objects())
        .filteredOn(o -> o.getKind().equals("ValidatingAdmissionPolicyBinding"))
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("hapair-agent-own-reports", "hapair-agent-node-labels");
    assertThat(RENDERED.objects())
        .filteredOn(o -> o.getKind().equals("ValidatingAdmissionPolicyBinding"))
        .map(o -> AdmissionPolicy.asMap(o).get("spec"))
        .allSatisfy(spec -> assertThat(spec.toString()).contains("validationActions=[Deny]"));
  }

  @Test
  void anAgentWritesItsOwnNodesReport() {
    assertThat(reports("node-a", "CREATE", report("node-a", "node-a"), null)).isEmpty();
    assertThat(reports("node-a", "UPDATE", report("node-a", "node-a"), report("node-a", "node-a")))
        .isEmpty();
    assertThat(reports("node-a", "DELETE", null, report("node-a", "node-a"))).isEmpty();
  }

  @Test
  void anAgentCannotCreateAnotherNodesReport() {
    assertThat(reports("node-a", "CREATE", report("node-b", "node-b"), null))
        .get()
        .asString()
        .contains("only the reports of its own node, node-a");
  }

  @Test
  void anAgentCannotLabelItsReportAsAnotherNodes() {
    assertThat(reports("node-a", "CREATE", report("node-a", "node-b"), null)).isPresent();
  }

  @Test
  void anAgentCannotTakeOverOrDeleteAnotherNodesReport() {
    assertThat(reports("node-a", "UPDATE", report("node-a", "node-a"), report("node-b", "node-b")))
        .get()
        .asString()
        .contains("changes or deletes only the reports of its own node");
    assertThat(reports("node-a", "DELETE", null, report("node-b", "node-b"))).isPresent();
  }

  @Test
  void aTokenWithoutTheNodeClaimIsDenied() {
    assertThat(reports(null, "CREATE", report("node-a", "node-a"), null))
        .get()
        .asString()
        .contains("names no node", "1.30");
  }

  @Test
  void otherUsersAreNotConcerned() {
    Map<String, Object> operator =
        request("system:serviceaccount:hapair-system:hapair-operator", null, "DELETE");
    assertThat(REPORTS.matches(operator)).isFalse();
    assertThat(REPORTS.denial(operator, null, report("node-b", "node-b"))).isEmpty();
  }

  @Test
  void anAgentMayChangeOnlyHapairLabelsOfItsOwnNode() {
    Map<String, Object> spec = Map.of("podCIDR", "10.0.0.0/24");
    Map<String, String> before = Map.of("kubernetes.io/hostname", "node-a");
    Map<String, Object> request = request(AGENT, "node-a", "UPDATE");

    assertThat(
            NODES.denial(
                request,
                node(
                    "node-a",
                    Map.of(
                        "kubernetes.io/hostname", "node-a",
                        "hapair.io/role", "primary",
                        "node.hapair.io/db", "true"),
                    spec),
                node("node-a", before, spec)))
        .isEmpty();
    assertThat(
            NODES.denial(
                request,
                node("node-a", Map.of("kubernetes.io/hostname", "evil"), spec),
                node("node-a", before, spec)))
        .get()
        .asString()
        .contains("only change hapair.io/ and node.hapair.io/ labels");
    assertThat(NODES.denial(request, node("node-a", Map.of(), spec), node("node-a", before, spec)))
        .isPresent();
  }

  @Test
  void anAgentMayNotTouchAnotherNodeOrItsSpec() {
    Map<String, String> labels = Map.of("kubernetes.io/hostname", "node-b");
    Map<String, Object> spec = Map.of("podCIDR", "10.0.0.0/24");

    assertThat(
            NODES.denial(
                request(AGENT, "node-a", "UPDATE"),
                node("node-b", labels, spec),
                node("node-b", labels, spec)))
        .get()
        .asString()
        .contains("only update its own Node");
    assertThat(
            NODES.denial(
                request(AGENT, "node-a", "UPDATE"),
                node("node-a", labels, Map.of("podCIDR", "10.0.0.0/24", "unschedulable", true)),
                node("node-a", labels, spec)))
        .get()
        .asString()
        .contains("spec or annotations");
    assertThat(NODES.denial(request(AGENT, "node-a", "DELETE"), null, node("node-a", labels, spec)))
        .isPresent();
  }
}
