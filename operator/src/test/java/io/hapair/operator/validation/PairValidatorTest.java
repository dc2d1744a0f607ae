package io.hapair.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.ExportSpec;
import io.hapair.api.v1alpha1.FilesystemSpec;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.VirtualIP;
import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.MockCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PairValidatorTest {
  private static final Path EXAMPLES = Path.of("../manifests/examples");
  private static final List<ClusterNode> CLUSTER =
      List.of(
          new ClusterNode("node-a", List.of("192.0.2.11")),
          new ClusterNode("node-b", List.of("192.0.2.12")),
          new ClusterNode("node-c", List.of("192.0.2.13", "198.51.100.13")));

  /** An installation that allows what the examples use (PairValidatorTrustTest: the refusals). */
  private static final InstallPolicy EXAMPLES_ALLOWED = MockCluster.EXAMPLES_ALLOWED;

  private static HAPairSpec example(String file) {
    try {
      return Serialization.unmarshal(Files.readString(EXAMPLES.resolve(file)), HAPair.class)
          .getSpec();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<SpecProblem> validate(HAPairSpec spec) {
    return new PairValidator(CLUSTER, EXAMPLES_ALLOWED).validate("pair", spec);
  }

  @Test
  void everyExampleIsValid() {
    assertThat(validate(example("active-passive.yaml"))).isEmpty();
    assertThat(validate(example("active-active.yaml"))).isEmpty();
    assertThat(
            new PairValidator(
                    List.of(
                        new ClusterNode("node-a", List.of("2001:db8::11")),
                        new ClusterNode("node-b", List.of("2001:db8::12"))),
                    EXAMPLES_ALLOWED)
                .validate("pair", example("ipv6.yaml")))
        .isEmpty();
  }

  @Test
  void aMissingSpecIsReportedNotThrown() {
    assertThat(validate(null)).extracting(SpecProblem::field).containsExactly("spec");
  }

  static Stream<Arguments> activePassiveMistakes() {
    return Stream.of(
        mistake(
            "a node that is not in the cluster",
            s -> s.getNodes().get(1).setName("node-x"),
            "spec.nodes[1].name",
            "NodeNotFound"),
        mistake(
            "the two nodes have the same name",
            s -> s.getNodes().get(1).setName("node-a"),
            "spec.nodes[1].name",
            "DuplicateNode"),
        mistake(
            "a replication address that is a host name",
            s -> s.getNodes().get(1).setAddress("node-b.example.com"),
            "spec.nodes[1].address",
            "InvalidValue"),
        mistake(
            "a heartbeat address of the other family than the peer's",
            s -> s.getNodes().get(0).setHeartbeatAddress("2001:db8::11"),
            "spec.nodes[1].heartbeatAddress",
            "AddressFamilyMismatch"),
        mistake(
            "a heartbeat address that is not an address",
            s -> s.getNodes().get(1).setHeartbeatAddress("10.0.0"),
            "spec.nodes[1].heartbeatAddress",
            "InvalidValue"),
        mistake(
            "a virtual MAC without a router id",
            s -> s.getVirtualIPs().get(0).setMac(VirtualIP.MacMode.VMAC),
            "spec.virtualIPs[0].vrid",
            "Missing"),
        mistake(
            "an IPv4 and an IPv6 replication address",
            s -> s.getNodes().get(1).setAddress("2001:db8::12"),
            "spec.nodes[1].address",
            "AddressFamilyMismatch"),
        mistake(
            "a virtual IP equal to a pair node's address",
            s -> s.getVirtualIPs().get(0).setAddress("192.0.2.12/24"),
            "spec.virtualIPs[0].address",
            "AddressInUse"),
        mistake(
            "a virtual IP equal to another node's external address",
            s -> s.getVirtualIPs().get(0).setAddress("198.51.100.13/24"),
            "spec.virtualIPs[0].address",
            "AddressInUse"),
        mistake(
            "a virtual IP without a prefix length",
            s -> s.getVirtualIPs().get(0).setAddress("192.0.2.100"),
            "spec.virtualIPs[0].address",
            "InvalidValue"),
        mistake(
            "a prefix length beyond 32 on IPv4",
            s -> s.getVirtualIPs().get(0).setAddress("192.0.2.100/33"),
            "spec.virtualIPs[0].address",
            "InvalidValue"),
        mistake(
            "plain NBD on the network",
            s -> s.getExport().setTls(ExportSpec.Tls.Disabled),
            "spec.export.tls",
            "PlainExportOnNetwork"),
        mistake(
            "a duration without a unit",
            s -> s.getVirtualIPs().get(0).getGarp().setInterval("100"),
            "spec.virtualIPs[0].garp.interval",
            "InvalidValue"),
        mistake("no volume", s -> s.setVolume(null), "spec.volume", "Missing"),
        mistake(
            "a preferred primary that is not a pair node",
            s -> s.setPreferredPrimary("node-c"),
            "spec.preferredPrimary",
            "UnknownNode"));
  }

  private static Arguments mistake(
      String name, Consumer<HAPairSpec> breakIt, String field, String reason) {
    return Arguments.of(name, breakIt, field, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activePassiveMistakes")
  void reportsTheFieldAndReason(
      String description, Consumer<HAPairSpec> breakIt, String field, String reason) {
    HAPairSpec spec = example("active-passive.yaml");
    breakIt.accept(spec);

    assertThat(validate(spec))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(Tuple.tuple(field, reason));
  }

  @Test
  void aFilesystemIsRefusedInKubernetesModeAndItsFieldsChecked() {
    HAPairSpec spec = example("active-passive.yaml");
    FilesystemSpec fs = new FilesystemSpec();
    fs.setType(FilesystemSpec.Type.ext4);
    fs.setMountPath("/srv/../etc");
    fs.setMountOptions("noatime;reboot");
    spec.setFilesystem(fs);

    assertThat(validate(spec))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(
            Tuple.tuple("spec.filesystem.mountPath", "InvalidPath"),
            Tuple.tuple("spec.filesystem.mountOptions", "InvalidOptions"),
            Tuple.tuple("spec.filesystem", "StandaloneOnly"));
  }

  @Test
  void activeActiveGroupsNeedDistinctPortsAndPreferredNodes() {
    HAPairSpec spec = example("active-active.yaml");
    spec.getServiceGroups().get(1).getVolume().setPort(7788);
    spec.getServiceGroups().get(1).setPreferredNode("node-a");

    assertThat(validate(spec))
        .extracting(SpecProblem::field)
        .containsExactlyInAnyOrder(
            "spec.serviceGroups[1].preferredNode", "spec.serviceGroups[1].volume.port");
  }

  @Test
  void theSameVirtualIpInTwoGroupsIsReported() {
    HAPairSpec spec = example("active-active.yaml");
    spec.getServiceGroups().get(1).getVirtualIPs().get(0).setAddress("192.0.2.101/24");

    assertThat(validate(spec))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(
            Tuple.tuple("spec.serviceGroups[1].virtualIPs[0].address", "DuplicateVirtualIP"));
  }

  @Test
  void twoGroupsCannotShareAVirtualMac() {
    HAPairSpec spec = example("active-active.yaml");
    var first = spec.getServiceGroups().get(0).getVirtualIPs().get(0);
    first.setMac(VirtualIP.MacMode.VMAC);
    first.setVrid(52); // group 1's vrid in the example

    assertThat(validate(spec))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(Tuple.tuple("spec.serviceGroups[1].virtualIPs[0].vrid", "DuplicateVrid"));
  }

  @Test
  void messagesStartWithTheField() {
    HAPairSpec spec = example("active-passive.yaml");
    spec.getNodes().get(0).setName("node-x");

    assertThat(validate(spec).get(0).message())
        .isEqualTo("spec.nodes[0].name: node \"node-x\" does not exist in the cluster");
  }
}
