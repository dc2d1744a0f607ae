package io.hapair.agent.core;

import java.util.ArrayList;
import java.util.List;

/**
 * How many automatic role changes a node may make in a sliding window of monotonic time. Only a
 * role change spends it: a refused or failed attempt costs nothing (a flapping witness must not use
 * the budget up without anything changing). Immutable: each spend returns the next budget.
 */
public record RoleChangeBudget(int max, long window, List<Long> changes) {

  public RoleChangeBudget {
    changes = List.copyOf(changes);
  }

  public static RoleChangeBudget of(int max, long window) {
    return new RoleChangeBudget(max, window, List.of());
  }

  /** Whether an automatic role change may start at {@code now}. */
  public Verdict mayChange(long now) {
    int recent = recent(now).size();
    if (recent >= max) {
      return Verdict.deny(
          recent + " automatic role changes in the last " + window + " ns: a person decides");
    }
    return Verdict.allow((max - recent) + " of " + max + " role changes left");
  }

  /** The budget after a role change happened at {@code now}. */
  public RoleChangeBudget changed(long now) {
    List<Long> next = new ArrayList<>(recent(now));
    next.add(now);
    return new RoleChangeBudget(max, window, next);
  }

  private List<Long> recent(long now) {
    return changes.stream().filter(t -> now - t < window).toList();
  }
}
