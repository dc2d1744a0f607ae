package io.hapair.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeStatusesTest {

  /** Groups as {@code "<role> <disk> <link>"}, separated by {@code |}. */
  private static List<GroupReport> groups(String specs) {
    if (specs == null) {
      return List.of();
    }
    return Arrays.stream(specs.split("\\|"))
        .map(
            spec -> {
              String[] f = spec.trim().split("\\s+");
              GroupReport g = new GroupReport();
              g.setName("g");
              g.setRole(NodeRole.valueOf(f[0]));
              g.setDiskState(NodeDiskState.valueOf(f[1]));
              g.setConnection(LinkState.valueOf(f[2]));
              return g;
            })
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                         ; groups                                                 ; role      ; link
          no groups                      ;                                                        ;           ; Unknown
          leads one of two               ; Secondary UpToDate Connected | Primary UpToDate Degraded ; Primary ; Degraded
          follows, resyncing             ; Secondary Inconsistent SyncTarget                      ; Secondary ; Connected
          first link that does not replicate ; Primary UpToDate Fencing | Secondary UpToDate Disconnected ; Primary ; Fencing
          """)
  void roleAndLink(String description, String specs, NodeRole role, LinkState link) {
    assertThat(NodeStatuses.role(groups(specs))).isEqualTo(role);
    assertThat(NodeStatuses.connection(groups(specs))).isEqualTo(link);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                                  ; groups                                                   ; current at witness ; disk
          current everywhere                      ; Primary UpToDate Connected                               ; node-a             ; UpToDate
          its own disk is behind                  ; Secondary Inconsistent SyncTarget                        ; node-a             ; Inconsistent
          the witness no longer lists it          ; Secondary UpToDate Disconnected                          ; node-b             ; Outdated
          the worst of its groups                 ; Primary UpToDate Connected | Secondary Outdated Disconnected ; node-a         ; Outdated
          the witness does not hide a resync      ; Secondary Inconsistent SyncTarget                        ; node-b             ; Inconsistent
          no groups                               ;                                                          ; node-b             ;
          """)
  void diskState(String description, String specs, String current, NodeDiskState disk) {
    assertThat(NodeStatuses.diskState("node-a", groups(specs), Map.of("g", Set.of(current))))
        .isEqualTo(disk);
  }
}
