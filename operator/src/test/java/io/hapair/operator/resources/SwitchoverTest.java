package io.hapair.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SwitchoverTest {
  static HAPair pair(String target) throws Exception {
    HAPair pair =
        Serialization.unmarshal(
            Files.readString(Path.of("../manifests/examples/active-passive.yaml")), HAPair.class);
    if (target != null) {
      pair.getMetadata().setAnnotations(new HashMap<>(Map.of(Switchover.ANNOTATION, target)));
    }
    return pair;
  }

  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  static HAPairStatus ledBy(String node) {
    ServiceGroupStatus g = new ServiceGroupStatus();
    g.setName("postgres");
    g.setPrimary(node);
    HAPairStatus s = new HAPairStatus();
    s.setServiceGroups(List.of(g));
    s.setEpoch(3L);
    return s;
  }

  @Test
  void withoutTheAnnotationThereIsNothingToSay() throws Exception {
    assertThat(Switchover.judge(pair(null), ledBy("node-a"), NOW)).isEmpty();
  }

  @Test
  void whileTheOldPrimaryStillLeadsTheSwitchoverRuns() throws Exception {
    assertThat(Switchover.judge(pair("node-b"), ledBy("node-a"), NOW)).isEmpty();
  }

  @Test
  void onceTheTargetLeadsItIsDone() throws Exception {
    assertThat(Switchover.judge(pair("node-b"), ledBy("node-b"), NOW))
        .get()
        .satisfies(o -> assertThat(o.reason()).isEqualTo("SwitchedOver"));
  }

  @Test
  void aRequestWithoutAnOutcomeExpiresAfterItsDeadlineAndNotBefore() throws Exception {
    HAPair fresh = pair("node-b");
    fresh.getMetadata().getAnnotations().put(Switchover.SEEN_AT, NOW.minusSeconds(10).toString());
    assertThat(Switchover.judge(fresh, ledBy("node-a"), NOW)).isEmpty();

    HAPair old = pair("node-b");
    old.getMetadata()
        .getAnnotations()
        .put(Switchover.SEEN_AT, NOW.minus(Switchover.DEADLINE).minusSeconds(1).toString());
    assertThat(Switchover.judge(old, ledBy("node-a"), NOW))
        .get()
        .satisfies(
            o -> {
              assertThat(o.reason()).isEqualTo("SwitchoverExpired");
              assertThat(o.message()).contains("node-b does not lead every group 60 s after");
            });
  }

  @Test
  void aTargetOutsideThePairIsRefused() throws Exception {
    assertThat(Switchover.judge(pair("node-z"), ledBy("node-a"), NOW))
        .get()
        .satisfies(
            o -> {
              assertThat(o.reason()).isEqualTo("SwitchoverRefused");
              assertThat(o.message()).contains("node-z");
            });
  }
}
