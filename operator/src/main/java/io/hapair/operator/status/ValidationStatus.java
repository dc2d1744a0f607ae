package io.hapair.operator.status;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.operator.validation.SpecProblem;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** Computes the status a pair should have after validation. Pure. */
public final class ValidationStatus {
  private ValidationStatus() {}

  public static HAPairStatus compute(HAPair pair, List<SpecProblem> problems, Instant now) {
    HAPairStatus current = pair.getStatus() == null ? new HAPairStatus() : pair.getStatus();
    HAPairStatus next = Serialization.clone(current);
    long generation =
        pair.getMetadata().getGeneration() == null ? 0 : pair.getMetadata().getGeneration();
    next.setObservedGeneration(generation);
    Condition valid =
        problems.isEmpty()
            ? new Condition(ConditionType.Valid, Conditions.TRUE, "SpecValid", "The spec is valid.")
            : new Condition(
                ConditionType.Valid,
                Conditions.FALSE,
                problems.get(0).reason(),
                problems.stream().map(SpecProblem::message).collect(Collectors.joining("; ")));
    next.setConditions(Conditions.put(current.getConditions(), valid, generation, now));
    // Nothing runs yet for a valid pair: the agents are deployed by a later step.
    next.setPhase(problems.isEmpty() ? HAPairStatus.Phase.Pending : HAPairStatus.Phase.Failed);
    return next;
  }

  /** Whether writing {@code next} would change anything a reader can see. */
  public static boolean unchanged(HAPairStatus current, HAPairStatus next) {
    return current != null
        && Serialization.jsonMapper()
            .valueToTree(current)
            .equals(Serialization.jsonMapper().valueToTree(next));
  }
}
