package io.hapair.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPairSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairConditionsTest {

  private static void assertCondition(
      Condition c, ConditionType type, String status, String reason) {
    assertThat(c.getType()).isEqualTo(type.name());
    assertThat(c.getStatus() + " " + c.getReason()).isEqualTo(status + " " + reason);
    assertThat(c.getMessage()).isNotBlank();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                               ; reported ; groups                 ; status ; reason
          no report outranks no primary        ; false    ; - 0 - - 0              ; False  ; NoAgentReport
          a group without a primary            ; true     ; a 3 - C 0 | - 3 - - 0  ; False  ; NoPrimary
          every group served, even alone       ; true     ; a 3 - - 0 | b 3 - - 0  ; True   ; PrimaryServing
          """)
  void ready(String description, boolean reported, String groups, String status, String reason) {
    assertCondition(
        PairConditions.ready(Views.pair(reported, groups)), ConditionType.Ready, status, reason);
  }

  @Test
  void readyNamesTheGroupsWithoutAPrimary() {
    PairView pair =
        new PairView(
            true, List.of(Views.group("web", "a 3 - C 0"), Views.group("db", "- 3 - - 0")));
    assertThat(PairConditions.ready(pair).getMessage()).isEqualTo("No primary for group(s) db.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                               ; reported ; groups                    ; status ; reason
          every group in sync                  ; true     ; a 3 - C 0 | b 3 - C 0     ; True   ; InSync
          a resync outranks a lost peer        ; true     ; a 3 - - 0 | b 3 - C 4096  ; False  ; Resyncing
          a lost peer                          ; true     ; a 3 - - 0                 ; False  ; Disconnected
          nothing reported                     ; false    ; - 0 - - 0                 ; False  ; Disconnected
          """)
  void replicating(
      String description, boolean reported, String groups, String status, String reason) {
    assertCondition(
        PairConditions.replicating(Views.pair(reported, groups)),
        ConditionType.Replicating,
        status,
        reason);
  }

  @Test
  void aResyncCountsTheBytesOfEveryGroup() {
    PairView pair = Views.pair(true, "a 3 - C 4096 | b 3 - - 512");
    assertThat(PairConditions.replicating(pair).getMessage())
        .isEqualTo("4608 bytes out of sync, resync running.");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                               ; reported ; groups                    ; status ; reason
          a group alone                        ; true     ; a 3 - C 0 | b 3 - - 0     ; True   ; PeerUnavailable
          a group without a primary            ; true     ; - 3 - - 0                 ; True   ; PeerUnavailable
          a resync is not degraded             ; true     ; a 3 - - 0 | b 3 - C 4096  ; False  ; BothNodes
          in sync                              ; true     ; a 3 - C 0                 ; False  ; BothNodes
          nothing reported                     ; false    ; - 0 - - 0                 ; False  ; BothNodes
          """)
  void degraded(String description, boolean reported, String groups, String status, String reason) {
    assertCondition(
        PairConditions.degraded(Views.pair(reported, groups)),
        ConditionType.Degraded,
        status,
        reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                               ; groups                 ; status ; reason
          one group diverged                   ; a 3 - C 0 | b 3 S - 0  ; True   ; DataDiverged
          none diverged                        ; a 3 - - 0 | b 3 - - 0  ; False  ; NoDivergence
          """)
  void splitBrain(String description, String groups, String status, String reason) {
    assertCondition(
        PairConditions.splitBrain(Views.pair(true, groups)),
        ConditionType.SplitBrain,
        status,
        reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case            ; problems                             ; status ; reason
          a missing Lease   ; Lease a was deleted                  ; True   ; WitnessRecordUnusable
          two groups        ; Lease a was deleted|Lease b foreign  ; True   ; WitnessRecordUnusable
          none              ;                                      ; False  ; WitnessRecordPresent
          """)
  void witnessUnreachable(String description, String problems, String status, String reason) {
    Condition c = PairConditions.witnessUnreachable(facts(lines(problems), List.of(), List.of()));
    assertCondition(c, ConditionType.WitnessUnreachable, status, reason);
    assertThat(c.getMessage())
        .isEqualTo(
            problems == null
                ? "Every group has its witness Lease."
                : String.join("; ", lines(problems)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case           ; rollbacks                        ; status ; reason
          a rolled back    ; group a: Lease epoch 2 < 5       ; True   ; LeaseOlderThanRecorded
          none             ;                                  ; False  ; NoRollback
          """)
  void witnessRolledBack(String description, String rollbacks, String status, String reason) {
    Condition c = PairConditions.witnessRolledBack(facts(List.of(), List.of(), lines(rollbacks)));
    assertCondition(c, ConditionType.WitnessRolledBack, status, reason);
    if ("True".equals(status)) {
      assertThat(c.getMessage()).isEqualTo(rollbacks);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case               ; nodes          ; status ; reason
          on one pair node     ; node-b         ; True   ; ApiServerOnPairNode
          on both              ; node-a|node-b  ; True   ; ApiServerOnPairNode
          elsewhere            ;                ; False  ; ApiServerElsewhere
          """)
  void witnessSharesFate(String description, String nodes, String status, String reason) {
    Condition c = PairConditions.witnessSharesFate(facts(List.of(), lines(nodes), List.of()));
    assertCondition(c, ConditionType.WitnessSharesFate, status, reason);
    lines(nodes).forEach(node -> assertThat(c.getMessage()).contains(node));
  }

  @ParameterizedTest(name = "maintenance {0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # spec.maintenance ; status ; reason
          true               ; True   ; AutomaticFailoverOff
          false              ; False  ; AutomaticFailoverOn
                             ; False  ; AutomaticFailoverOn
          """)
  void maintenance(Boolean maintenance, String status, String reason) {
    HAPairSpec spec = new HAPairSpec();
    spec.setMaintenance(maintenance);
    assertCondition(PairConditions.maintenance(spec), ConditionType.Maintenance, status, reason);
  }

  private static List<String> lines(String joined) {
    return joined == null ? List.of() : List.of(joined.split("\\|"));
  }

  private static PairFacts facts(
      List<String> problems, List<String> sharingFate, List<String> rollbacks) {
    return new PairFacts(List.of(), problems, sharingFate, Map.of(), rollbacks);
  }
}
