package io.hapair.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HealthCheckSpec;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A HAPair comes from a namespace user: commands and disks only as the installation allows. */
class PairValidatorTrustTest {
  private static final List<ClusterNode> CLUSTER =
      List.of(
          new ClusterNode("node-a", List.of("192.0.2.11")),
          new ClusterNode("node-b", List.of("192.0.2.12")));
  private static final DiskAllowList BY_ID = DiskAllowList.of(List.of("/dev/disk/by-id/*"));

  private static HAPairSpec activePassive() throws IOException {
    return Serialization.unmarshal(
            Files.readString(Path.of("../manifests/examples/active-passive.yaml")), HAPair.class)
        .getSpec();
  }

  private static List<SpecProblem> validate(HAPairSpec spec, InstallPolicy policy) {
    return new PairValidator(CLUSTER, policy).validate("pair", spec);
  }

  @Test
  void hooksAreRefusedUnlessTheInstallationAllowsCommands() throws IOException {
    HAPairSpec spec = activePassive();
    spec.getHooks().setOnFault("/usr/local/bin/page-someone");

    List<SpecProblem> problems = validate(spec, new InstallPolicy(false, BY_ID));

    assertThat(problems)
        .extracting(SpecProblem::field)
        .containsExactly("spec.hooks.onPrimary", "spec.hooks.onSecondary", "spec.hooks.onFault");
    assertThat(problems)
        .allSatisfy(p -> assertThat(p.reason()).isEqualTo("CommandsNotAllowed"))
        .allSatisfy(p -> assertThat(p.message()).contains("trust.allowCommands"));
    assertThat(validate(spec, new InstallPolicy(true, BY_ID))).isEmpty();
  }

  @Test
  void aHealthCheckCommandIsRefusedUnlessTheInstallationAllowsCommands() throws IOException {
    HAPairSpec spec = activePassive();
    spec.setHooks(null);
    HealthCheckSpec check = new HealthCheckSpec();
    check.setCommand("pg_isready");
    spec.getFailover().setHealthCheck(check);

    assertThat(validate(spec, new InstallPolicy(false, BY_ID)))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .containsExactly(tuple("spec.failover.healthCheck.command", "CommandsNotAllowed"));
  }

  @Test
  void aPairWithoutCommandsIsValidWithCommandsOff() throws IOException {
    HAPairSpec spec = activePassive();
    spec.setHooks(null);

    assertThat(validate(spec, new InstallPolicy(false, BY_ID))).isEmpty();
  }

  @Test
  void aDiskOutsideTheAllowListIsRefusedNamingTheField() throws IOException {
    HAPairSpec spec = activePassive();
    spec.getNodes().get(1).setDisk("/dev/sda");

    assertThat(validate(spec, new InstallPolicy(true, BY_ID)))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.nodes[1].disk");
              assertThat(p.reason()).isEqualTo("DiskNotAllowed");
              assertThat(p.message()).contains("/dev/sda", "/dev/disk/by-id/*");
            });
  }

  @Test
  void dotDotCannotLeaveAnAllowedDirectory() throws IOException {
    HAPairSpec spec = activePassive();
    spec.getVolume().setDisk("/dev/disk/by-id/../../sda");

    assertThat(validate(spec, new InstallPolicy(true, BY_ID)))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("spec.volume.disk");
              assertThat(p.reason()).isEqualTo("DiskNotAllowed");
              assertThat(p.message()).contains("that is /dev/sda");
            });
  }

  @Test
  void anEmptyAllowListRefusesEveryDisk() throws IOException {
    assertThat(validate(activePassive(), new InstallPolicy(true, DiskAllowList.of(List.of()))))
        .extracting(SpecProblem::field)
        .containsExactly("spec.volume.disk", "spec.nodes[0].disk", "spec.nodes[1].disk");
  }

  @Test
  void aServiceGroupsDiskIsCheckedToo() throws IOException {
    HAPairSpec spec =
        Serialization.unmarshal(
                Files.readString(Path.of("../manifests/examples/active-active.yaml")), HAPair.class)
            .getSpec();

    assertThat(new PairValidator(CLUSTER, new InstallPolicy(false, BY_ID)).validate("pair", spec))
        .extracting(SpecProblem::field, SpecProblem::reason)
        .contains(
            tuple("spec.serviceGroups[0].volume.disk", "DiskNotAllowed"),
            tuple("spec.serviceGroups[1].volume.disk", "DiskNotAllowed"));
  }
}
