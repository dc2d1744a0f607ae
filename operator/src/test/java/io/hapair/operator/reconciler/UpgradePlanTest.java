package io.hapair.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The upgrade plan as a table: observed pods and pairs in, the next step out. */
class UpgradePlanTest {
  static final long GENERATION = 2;

  /**
   * Pods as {@code "<node>:<template generation>:<ready|starting|terminating>"}, separated by
   * spaces; pairs as {@code "<name> <node>,<node> <phase> <primary|-> [rolledback]"}, separated by
   * {@code |}.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      textBlock =
          """
          # case                                       ; pods                              ; scheduled ; pairs                                                  ; step
          every agent current                          ; a:2:ready b:2:ready               ; 2         ; db a,b Healthy a                                       ; Done
          a terminating old pod is not outdated work   ; a:2:ready b:1:terminating         ; 2         ; db a,b Healthy a                                       ; Done
          the secondary first                          ; a:1:ready b:1:ready               ; 2         ; db a,b Healthy a                                       ; Restart b [default/db]
          then the primary is switched over            ; a:1:ready b:2:ready               ; 2         ; db a,b Healthy a                                       ; SwitchOver a [default/db]
          then the old primary restarts                ; a:1:ready b:2:ready               ; 2         ; db a,b Healthy b                                       ; Restart a [default/db]
          a deleted agent still terminating            ; a:1:ready b:1:terminating         ; 2         ; db a,b Healthy a                                       ; Wait the agent on b is restarting
          a deleted agent not yet recreated            ; a:1:ready                         ; 2         ; db a,b Healthy a                                       ; Wait the DaemonSet schedules 2 agents and 1 exist: one is being recreated
          the DaemonSet has not counted its agents     ; a:1:ready b:1:ready               ;           ; db a,b Healthy a                                       ; Wait the DaemonSet schedules an unknown number of agents and 2 exist: one is being recreated
          a recreated agent not ready yet              ; a:1:ready b:2:starting            ; 2         ; db a,b Healthy a                                       ; Wait the agent on b is restarting
          a pair that is not Healthy holds its nodes   ; a:1:ready b:1:ready               ; 2         ; db a,b Degraded a                                      ; Wait pairs [default/db] are not Healthy
          a rolled-back witness holds its nodes        ; a:1:ready b:1:ready               ; 2         ; db a,b Healthy a rolledback                            ; Wait pairs [default/db] are not Healthy
          ties go by node name                         ; c:1:ready b:1:ready a:1:ready     ; 3         ; db a,b Healthy a                                       ; Restart b [default/db]
          a node leading two pairs switches both       ; a:1:ready b:2:ready               ; 2         ; db a,b Healthy a | web a,b Healthy a                   ; SwitchOver a [default/db, default/web]
          an unhealthy pair elsewhere does not block   ; a:1:ready b:1:ready c:2:ready d:2:ready ; 4   ; db a,b Healthy a | web c,d Degraded c                  ; Restart b [default/db]
          a node without pairs restarts at once        ; a:1:ready                         ; 1         ;                                                        ; Restart a []
          """)
  void theNextStep(
      String description, String pods, Integer scheduled, String pairs, String expected) {
    assertThat(describe(UpgradePlan.next(daemonSet(scheduled), pods(pods), pairs(pairs))))
        .isEqualTo(expected);
  }

  private static String describe(UpgradePlan.Step step) {
    if (step instanceof UpgradePlan.Wait wait) {
      return "Wait " + wait.why();
    }
    if (step instanceof UpgradePlan.SwitchOver s) {
      return "SwitchOver " + s.node() + " " + s.pairs().stream().map(UpgradePlan::key).toList();
    }
    if (step instanceof UpgradePlan.Restart r) {
      assertThat(r.pod().getSpec().getNodeName()).isEqualTo(r.node());
      return "Restart " + r.node() + " " + r.pairs().stream().map(UpgradePlan::key).toList();
    }
    return step.getClass().getSimpleName();
  }

  private static DaemonSet daemonSet(Integer scheduled) {
    DaemonSetBuilder builder =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName("hapair-agent")
            .withGeneration(GENERATION)
            .endMetadata();
    if (scheduled != null) {
      builder.withNewStatus().withDesiredNumberScheduled(scheduled).endStatus();
    }
    return builder.build();
  }

  private static List<Pod> pods(String specs) {
    return Arrays.stream(specs.trim().split("\\s+"))
        .map(
            spec -> {
              String[] f = spec.split(":");
              PodBuilder pod =
                  new PodBuilder()
                      .withNewMetadata()
                      .withName("agent-" + f[0])
                      .addToLabels(UpgradePlan.TEMPLATE_GENERATION, f[1])
                      .withDeletionTimestamp(
                          f[2].equals("terminating") ? "2026-12-04T10:00:00Z" : null)
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName(f[0])
                      .endSpec();
              pod.withNewStatus()
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus(f[2].equals("starting") ? "False" : "True")
                  .endCondition()
                  .endStatus();
              return pod.build();
            })
        .toList();
  }

  private static List<HAPair> pairs(String specs) {
    if (specs == null) {
      return List.of();
    }
    List<HAPair> pairs = new ArrayList<>();
    for (String spec : specs.split("\\|")) {
      String[] f = spec.trim().split("\\s+");
      HAPair pair = new HAPair();
      pair.getMetadata().setNamespace("default");
      pair.getMetadata().setName(f[0]);
      pair.setSpec(new HAPairSpec());
      List<PairNode> nodes = new ArrayList<>();
      for (String name : f[1].split(",")) {
        PairNode node = new PairNode();
        node.setName(name);
        nodes.add(node);
      }
      pair.getSpec().setNodes(nodes);
      HAPairStatus status = new HAPairStatus();
      status.setPhase(HAPairStatus.Phase.valueOf(f[2]));
      ServiceGroupStatus group = new ServiceGroupStatus();
      group.setName(f[0]);
      group.setPrimary(f[3].equals("-") ? null : f[3]);
      status.setServiceGroups(List.of(group));
      if (f.length > 4 && f[4].equals("rolledback")) {
        status.setConditions(
            List.of(
                new Condition(
                    ConditionType.WitnessRolledBack, "True", "LeaseOlderThanRecorded", "x")));
      }
      pair.setStatus(status);
      pairs.add(pair);
    }
    return pairs;
  }
}
