package io.hapair.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.SyncState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseRuleTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                                ; group        ; phase
          nothing reported or never led         ; - 0 - - 0    ; Pending
          never led, already connected          ; - 0 - C 0    ; Pending
          split brain before anything else      ; a 3 S C 4096 ; SplitBrain
          split brain before never led          ; - 0 S - 0    ; SplitBrain
          connected with bytes to resync        ; a 3 - C 4096 ; Syncing
          connected and in sync                 ; a 3 - C 0    ; Healthy
          in sync while no primary reports      ; - 3 - C 0    ; Healthy
          alone                                 ; a 3 - - 0    ; Degraded
          bytes out of sync, no link to resync  ; a 3 - - 4096 ; Degraded
          """)
  void aGroupsPhase(String description, String group, Phase phase) {
    assertThat(PhaseRule.of(Views.group("g", group))).isEqualTo(phase);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                                ; reported ; groups                    ; phase      ; sync
          no agent has reported                 ; false    ; - 0 - - 0                 ; Pending    ; Unknown
          reported, never led                   ; true     ; - 0 - - 0                 ; Pending    ; Disconnected
          one group in sync                     ; true     ; a 3 - C 0                 ; Healthy    ; InSync
          two groups in sync                    ; true     ; a 3 - C 0 | b 3 - C 0     ; Healthy    ; InSync
          one group resyncing                   ; true     ; a 3 - C 0 | b 3 - C 4096  ; Syncing    ; Syncing
          split brain before a resync           ; true     ; a 3 S C 0 | b 3 - C 4096  ; SplitBrain ; Syncing
          a resync before a lost peer           ; true     ; a 3 - - 0 | b 3 - C 4096  ; Syncing    ; Syncing
          a lost peer                           ; true     ; a 3 - - 0                 ; Degraded   ; Disconnected
          in sync but a group has no primary    ; true     ; - 3 - C 0                 ; Degraded   ; InSync
          one group never led, one in sync      ; true     ; - 0 - - 0 | a 3 - C 0     ; Degraded   ; Disconnected
          """)
  void thePairsPhaseAndSync(
      String description, boolean reported, String groups, Phase phase, SyncState sync) {
    PairView pair = Views.pair(reported, groups);
    assertThat(PhaseRule.of(pair)).isEqualTo(phase);
    assertThat(PhaseRule.sync(pair)).isEqualTo(sync);
  }
}
