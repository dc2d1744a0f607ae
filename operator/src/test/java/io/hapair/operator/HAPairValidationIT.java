package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator validates what the schema cannot and reports it in the Valid condition. */
@EnableKubernetesMockClient(crud = true)
class HAPairValidationIT {
  static KubernetesMockServer server;
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(server, client);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.stop();
    }
  }

  @Test
  void aValidPairIsValidAndPending() {
    harness.create(harness.loadExample("active-passive.yaml", "valid"));

    Condition valid = harness.awaitValid("valid", "True");

    HAPair pair = harness.get("valid");
    assertThat(pair.getStatus().getPhase()).isEqualTo(HAPairStatus.Phase.Pending);
    assertThat(pair.getStatus().getObservedGeneration())
        .isEqualTo(pair.getMetadata().getGeneration());
    assertThat(valid.getReason()).isEqualTo("SpecValid");
    assertThat(valid.getLastTransitionTime()).isNotBlank();
  }

  @Test
  void theActiveActiveAndIpv6SamplesAreValidToo() {
    harness.create(harness.loadExample("active-active.yaml", "two-groups"));
    HAPair ipv6 = harness.loadExample("ipv6.yaml", "six");
    harness.create(ipv6);

    assertThat(harness.awaitValid("two-groups", "True").getMessage()).contains("valid");
    assertThat(harness.awaitValid("six", "True").getMessage()).contains("valid");
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        invalid(
            "a node that is not in the cluster",
            p -> p.getSpec().getNodes().get(1).setName("node-z"),
            "spec.nodes[1].name",
            "NodeNotFound"),
        invalid(
            "the same IPv6 address written twice in two ways",
            p -> {
              p.getSpec().getNodes().get(0).setAddress("2001:db8::11");
              p.getSpec().getNodes().get(1).setAddress("2001:db8:0:0::11");
              p.getSpec().getVirtualIPs().get(0).setAddress("2001:db8::100/64");
              p.getSpec().getExport().setAllowedClients(List.of("2001:db8::/64"));
            },
            "spec.nodes[1].address",
            "DuplicateAddress"),
        invalid(
            "a virtual IP that another node already has",
            p -> p.getSpec().getVirtualIPs().get(0).setAddress("192.0.2.13/24"),
            "spec.virtualIPs[0].address",
            "AddressInUse"),
        invalid(
            "an address that only looks like IPv6",
            p -> p.getSpec().getNodes().get(0).setAddress(":::"),
            "spec.nodes[0].address",
            "InvalidValue"),
        invalid(
            "one node only (a CRD installed without its schema)",
            p -> p.getSpec().setNodes(List.of(p.getSpec().getNodes().get(0))),
            "spec.nodes",
            "WrongNodeCount"),
        invalid(
            "a client network that is not a CIDR",
            p -> p.getSpec().getExport().setAllowedClients(List.of("192.0.2.0")),
            "spec.export.allowedClients[0]",
            "InvalidValue"),
        invalid(
            "an initial sync source that is not a pair node",
            p -> p.getSpec().getVolume().setInitialSyncSource("node-c"),
            "spec.volume.initialSyncSource",
            "UnknownNode"));
  }

  private static Arguments invalid(
      String name, Consumer<HAPair> breakIt, String field, String reason) {
    return Arguments.of(name, breakIt, field, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void anInvalidSpecGetsValidFalseNamingTheField(
      String description, Consumer<HAPair> breakIt, String field, String reason) {
    String name = "invalid-" + Integer.toHexString(description.hashCode());
    HAPair pair = harness.loadExample("active-passive.yaml", name);
    breakIt.accept(pair);
    harness.create(pair);

    Condition valid = harness.awaitValid(name, "False");

    assertThat(valid.getReason()).isEqualTo(reason);
    assertThat(valid.getMessage()).startsWith(field + ": ");
    assertThat(harness.get(name).getStatus().getPhase()).isEqualTo(HAPairStatus.Phase.Failed);
  }

  @Test
  void aPairBecomesValidWhenItsMissingNodeJoinsTheCluster() {
    HAPair pair = harness.loadExample("active-passive.yaml", "late-node");
    PairNode second = pair.getSpec().getNodes().get(1);
    second.setName("node-late");
    second.setAddress("192.0.2.21");
    harness.create(pair);
    assertThat(harness.awaitValid("late-node", "False").getMessage()).contains("node-late");

    harness.addNode("node-late", "192.0.2.21");

    harness.awaitValid("late-node", "True");
  }

  @Test
  void fixingTheSpecMakesThePairValidAtTheNewGeneration() {
    HAPair pair = harness.loadExample("active-passive.yaml", "fixed");
    pair.getSpec().setPreferredPrimary("node-c");
    harness.create(pair);
    harness.awaitValid("fixed", "False");

    harness
        .client
        .resources(HAPair.class)
        .inNamespace(OperatorHarness.NAMESPACE)
        .withName("fixed")
        .edit(
            p -> {
              p.getSpec().setPreferredPrimary("node-b");
              return p;
            });

    Condition valid = harness.awaitValid("fixed", "True");
    HAPair fixed = harness.get("fixed");
    assertThat(fixed.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(fixed.getStatus().getObservedGeneration()).isEqualTo(2L);
    assertThat(valid.getObservedGeneration()).isEqualTo(2L);
  }
}
