package io.hapair.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeSpec;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import io.hapair.api.v1alpha1.SyncState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  static HAPair pair(String example) throws Exception {
    HAPair pair =
        Serialization.unmarshal(
            Files.readString(Path.of("../manifests/examples").resolve(example)), HAPair.class);
    pair.getMetadata().setUid("uid-1");
    pair.getMetadata().setGeneration(1L);
    return pair;
  }

  static HAPairStatus aggregate(HAPair pair, PairFacts facts) {
    HAPairStatus validated = ValidationStatus.compute(pair, List.of(), NOW);
    return StatusAggregator.aggregate(pair, validated, facts, NOW);
  }

  static HAPairNode report(String node, GroupReport... groups) {
    HAPairNode report = new HAPairNode();
    report.setSpec(new HAPairNodeSpec("default", "postgres", "uid-1", node));
    HAPairNodeStatus status = new HAPairNodeStatus();
    status.setUpdated(NOW.toString());
    status.setAgentVersion("0.1.0");
    status.setGroups(List.of(groups));
    report.setStatus(status);
    return report;
  }

  static GroupReport group(
      String name, String role, long epoch, String disk, String connection, long outOfSync) {
    GroupReport g = new GroupReport();
    g.setName(name);
    g.setRole(NodeRole.valueOf(role));
    g.setEpoch(role.equals("Primary") ? epoch : 0);
    g.setHighestEpoch(epoch);
    g.setDiskState(NodeDiskState.valueOf(disk));
    g.setConnection(LinkState.valueOf(connection));
    g.setOutOfSyncBytes(outOfSync);
    g.setSplitBrain(false);
    return g;
  }

  static PairFacts facts(HAPairNode... reports) {
    return new PairFacts(List.of(reports), List.of(), List.of());
  }

  static String condition(HAPairStatus status, ConditionType type) {
    return Conditions.find(status.getConditions(), type).getStatus();
  }

  @Test
  void withoutReportsThePairIsPending() throws Exception {
    HAPairStatus status = aggregate(pair("active-passive.yaml"), facts());
    assertThat(status.getPhase()).isEqualTo(Phase.Pending);
    assertThat(status.getSync()).isEqualTo(SyncState.Unknown);
    assertThat(Conditions.find(status.getConditions(), ConditionType.Ready).getReason())
        .isEqualTo("NoAgentReport");
  }

  @Test
  void twoConnectedCurrentNodesAreHealthy() throws Exception {
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", group("postgres", "Primary", 3, "UpToDate", "Connected", 0)),
                report("node-b", group("postgres", "Secondary", 3, "UpToDate", "Connected", 0))));
    assertThat(status.getPhase()).isEqualTo(Phase.Healthy);
    assertThat(status.getPrimary()).isEqualTo("node-a");
    assertThat(status.getEpoch()).isEqualTo(3);
    assertThat(status.getSync()).isEqualTo(SyncState.InSync);
    assertThat(condition(status, ConditionType.Ready)).isEqualTo("True");
    assertThat(condition(status, ConditionType.Replicating)).isEqualTo("True");
    assertThat(condition(status, ConditionType.Degraded)).isEqualTo("False");
    assertThat(condition(status, ConditionType.SplitBrain)).isEqualTo("False");
    assertThat(status.getNodes())
        .extracting(n -> n.getName() + "=" + n.getRole() + "/" + n.getDiskState())
        .containsExactly("node-a=Primary/UpToDate", "node-b=Secondary/UpToDate");
  }

  @Test
  void aResyncIsSyncingAndALostPeerIsDegraded() throws Exception {
    HAPairStatus syncing =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", group("postgres", "Primary", 2, "UpToDate", "SyncSource", 4096)),
                report(
                    "node-b",
                    group("postgres", "Secondary", 2, "Inconsistent", "SyncTarget", 4096))));
    assertThat(syncing.getPhase()).isEqualTo(Phase.Syncing);
    assertThat(syncing.getSync()).isEqualTo(SyncState.Syncing);
    assertThat(condition(syncing, ConditionType.Replicating)).isEqualTo("False");

    HAPairStatus degraded =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", group("postgres", "Primary", 2, "UpToDate", "Degraded", 65536))));
    assertThat(degraded.getPhase()).isEqualTo(Phase.Degraded);
    assertThat(condition(degraded, ConditionType.Degraded)).isEqualTo("True");
    assertThat(condition(degraded, ConditionType.Ready)).isEqualTo("True");
    assertThat(degraded.getNodes().get(1).getConnection()).isEqualTo(LinkState.Unknown);
  }

  @Test
  void theNewerEpochIsThePrimaryWhileAnOldPrimaryStillReports() throws Exception {
    GroupReport taker = group("postgres", "Primary", 5, "UpToDate", "Degraded", 0);
    FailoverRecord takeover = new FailoverRecord();
    takeover.setFrom("node-a");
    takeover.setTo("node-b");
    takeover.setStartedAt("2026-11-25T09:59:58Z");
    taker.setLastTakeover(takeover);
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", group("postgres", "Primary", 4, "UpToDate", "Disconnected", 0)),
                report("node-b", taker)));
    assertThat(status.getPrimary()).isEqualTo("node-b");
    assertThat(status.getEpoch()).isEqualTo(5);
    assertThat(status.getLastFailover().getTo()).isEqualTo("node-b");
  }

  @Test
  void splitBrainIsNamed() throws Exception {
    GroupReport diverged = group("postgres", "Primary", 2, "UpToDate", "Disconnected", 0);
    diverged.setSplitBrain(true);
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", diverged),
                report(
                    "node-b", group("postgres", "Secondary", 2, "UpToDate", "Disconnected", 0))));
    assertThat(status.getPhase()).isEqualTo(Phase.SplitBrain);
    assertThat(condition(status, ConditionType.SplitBrain)).isEqualTo("True");
  }

  @Test
  void activeActiveShowsEachGroupsPrimary() throws Exception {
    HAPair pair = pair("active-active.yaml");
    List<String> groups = GroupSpec.of("x", pair.getSpec()).stream().map(GroupSpec::name).toList();
    HAPairStatus status =
        aggregate(
            pair,
            facts(
                report(
                    "node-a",
                    group(groups.get(0), "Primary", 1, "UpToDate", "Connected", 0),
                    group(groups.get(1), "Secondary", 1, "UpToDate", "Connected", 0)),
                report(
                    "node-b",
                    group(groups.get(0), "Secondary", 1, "UpToDate", "Connected", 0),
                    group(groups.get(1), "Primary", 1, "UpToDate", "Connected", 0))));
    assertThat(status.getPrimary())
        .isEqualTo(groups.get(0) + "=node-a " + groups.get(1) + "=node-b");
    assertThat(status.getServiceGroups())
        .extracting(g -> g.getPrimary())
        .containsExactly("node-a", "node-b");
    assertThat(status.getNodes())
        .allSatisfy(n -> assertThat(n.getRole()).isEqualTo(NodeRole.Primary));
  }

  @Test
  void witnessProblemsAndSharedFateAreConditions() throws Exception {
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            new PairFacts(List.of(), List.of("Lease x was deleted"), List.of("node-a")));
    assertThat(condition(status, ConditionType.WitnessUnreachable)).isEqualTo("True");
    assertThat(
            Conditions.find(status.getConditions(), ConditionType.WitnessSharesFate).getMessage())
        .contains("node-a");
  }

  @Test
  void theSameFactsGiveTheSameStatus() throws Exception {
    HAPair pair = pair("active-passive.yaml");
    PairFacts facts =
        facts(
            report("node-a", group("postgres", "Primary", 3, "UpToDate", "Connected", 0)),
            report("node-b", group("postgres", "Secondary", 3, "UpToDate", "Connected", 0)));
    HAPairStatus first = aggregate(pair, facts);
    pair.setStatus(first);
    HAPairStatus second =
        StatusAggregator.aggregate(
            pair,
            ValidationStatus.compute(pair, List.of(), NOW.plusSeconds(60)),
            facts,
            NOW.plusSeconds(60));
    assertThat(ValidationStatus.unchanged(first, second)).isTrue();
  }

  @Test
  void anAgentsErrorIsItsOwnFieldAndTheLinkStaysInTheVocabulary() throws Exception {
    HAPairNode failing = report("node-b");
    failing.getStatus().setError("agent stopped");
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            facts(
                report("node-a", group("postgres", "Primary", 2, "UpToDate", "Degraded", 0)),
                failing));
    assertThat(status.getNodes().get(1).getError()).isEqualTo("agent stopped");
    assertThat(status.getNodes().get(1).getConnection()).isEqualTo(LinkState.Unknown);
    assertThat(status.getNodes().get(0).getError()).isNull();
  }

  @Test
  void theInputsAreLeftAsTheyWere() throws Exception {
    HAPair pair = pair("active-passive.yaml");
    HAPairStatus validated = ValidationStatus.compute(pair, List.of(), NOW);
    String before = Serialization.asJson(validated);
    HAPairStatus next =
        StatusAggregator.aggregate(
            pair,
            validated,
            facts(report("node-a", group("postgres", "Primary", 2, "UpToDate", "Degraded", 0))),
            NOW);
    assertThat(Serialization.asJson(validated)).isEqualTo(before);
    assertThat(next.getPrimary()).isEqualTo("node-a");
  }

  @Test
  void theWitnessOutdatesANodeThatThinksItIsCurrent() throws Exception {
    HAPairStatus status =
        aggregate(
            pair("active-passive.yaml"),
            new PairFacts(
                List.of(
                    report("node-a", group("postgres", "Primary", 2, "UpToDate", "Degraded", 0)),
                    report(
                        "node-b",
                        group("postgres", "Secondary", 1, "UpToDate", "Disconnected", 0))),
                List.of(),
                List.of(),
                Map.of("postgres", Set.of("node-a"))));
    assertThat(status.getNodes())
        .extracting(n -> n.getName() + "=" + n.getDiskState())
        .containsExactly("node-a=UpToDate", "node-b=Outdated");
  }
}
