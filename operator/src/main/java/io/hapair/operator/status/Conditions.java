package io.hapair.operator.status;

import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Condition statuses, and merging that keeps lastTransitionTime stable. */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";

  private Conditions() {}

  /**
   * The conditions with {@code next} in place of the one of its type. lastTransitionTime moves only
   * when the status flips; a condition whose state did not change is kept as it was, so an
   * unchanged pair produces an identical status and no write.
   */
  public static List<Condition> put(
      List<Condition> current, Condition next, long generation, Instant now) {
    List<Condition> merged = new ArrayList<>();
    Condition previous = null;
    for (Condition c : current == null ? List.<Condition>of() : current) {
      if (c.getType().equals(next.getType())) {
        previous = c;
      } else {
        merged.add(c);
      }
    }
    if (previous != null
        && previous.sameStateAs(next)
        && Long.valueOf(generation).equals(previous.getObservedGeneration())) {
      merged.add(previous);
    } else {
      next.setObservedGeneration(generation);
      next.setLastTransitionTime(
          previous != null && previous.getStatus().equals(next.getStatus())
              ? previous.getLastTransitionTime()
              : now.truncatedTo(ChronoUnit.SECONDS).toString());
      merged.add(next);
    }
    merged.sort((a, b) -> a.getType().compareTo(b.getType()));
    return merged;
  }

  public static Condition find(List<Condition> conditions, ConditionType type) {
    return find(conditions, type.name());
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
