package io.hapair.operator.resources;

import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.operator.events.PairEvents;
import java.util.Optional;

/**
 * The switchover annotation's life: the agents act on {@value #ANNOTATION} (the primary hands its
 * groups to the named node); the operator reports the outcome and removes the annotation once every
 * group is led by that node, or at once if it names no node of the pair.
 */
public final class Switchover {
  public static final String ANNOTATION = PairObjects.SWITCHOVER_ANNOTATION;

  private Switchover() {}

  /** The Event to record and remove the annotation with; empty while the switchover runs. */
  public static Optional<PairEvents.Change> judge(HAPair pair, HAPairStatus status) {
    String target =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(ANNOTATION);
    if (target == null) {
      return Optional.empty();
    }
    boolean known =
        pair.getSpec().getNodes().stream().map(PairNode::getName).anyMatch(target::equals);
    if (!known) {
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              "SwitchoverRefused",
              ANNOTATION + ": " + target + " is not a node of this pair"));
    }
    boolean done =
        status.getServiceGroups() != null
            && !status.getServiceGroups().isEmpty()
            && status.getServiceGroups().stream().allMatch(g -> target.equals(g.getPrimary()));
    return done
        ? Optional.of(
            new PairEvents.Change(
                "Normal",
                "SwitchedOver",
                target + " leads every group (epoch " + status.getEpoch() + ")"))
        : Optional.empty();
  }
}
