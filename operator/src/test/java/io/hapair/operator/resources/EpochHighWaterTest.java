package io.hapair.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import io.hapair.api.v1alpha1.HAPairNodeStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochHighWaterTest {

  @Test
  void theAnnotationRoundTripsAndIgnoresEntriesItCannotRead() {
    HAPair pair = new HAPair();
    pair.getMetadata().setAnnotations(Map.of(EpochHighWater.ANNOTATION, "web=3,db=7,bad=x,=2"));
    assertThat(EpochHighWater.recorded(pair))
        .containsExactlyInAnyOrderEntriesOf(Map.of("db", 7L, "web", 3L));
    assertThat(EpochHighWater.format(Map.of("web", 3L, "db", 7L))).isEqualTo("db=7,web=3");
  }

  @Test
  void reportsRaiseTheRecordedEpochsButNeverLowerThem() {
    Map<String, Long> known =
        EpochHighWater.withReports(
            Map.of("db", 4L), List.of(report("db", 2, 6), report("web", 1, 1)));
    assertThat(known).containsExactlyInAnyOrderEntriesOf(Map.of("db", 6L, "web", 1L));
    assertThat(EpochHighWater.withReports(Map.of("db", 9L), List.of(report("db", 2, 6))))
        .containsEntry("db", 9L);
  }

  @Test
  void aLeaseBelowTheKnownEpochIsARollbackAndOneAtOrAboveIsNot() {
    assertThat(EpochHighWater.rollbacks(Map.of("db", 6L, "web", 2L), Map.of("db", 5L, "web", 3L)))
        .containsExactly(
            "group db: the witness Lease is at epoch 5, older than epoch 6 already recorded (a"
                + " restored backup?); automation is stopped: follow the runbook (restores) before"
                + " anything else");
    assertThat(EpochHighWater.rollbacks(Map.of("db", 6L), Map.of("db", 6L))).isEmpty();
  }

  private static HAPairNode report(String group, long epoch, long highest) {
    GroupReport g = new GroupReport();
    g.setName(group);
    g.setEpoch(epoch);
    g.setHighestEpoch(highest);
    HAPairNodeStatus status = new HAPairNodeStatus();
    status.setGroups(List.of(g));
    HAPairNode node = new HAPairNode();
    node.setStatus(status);
    return node;
  }
}
