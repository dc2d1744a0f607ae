package io.hapair.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-25T10:05:00Z");

  private static Condition valid(String status, String message) {
    return new Condition(ConditionType.Valid, status, "R", message);
  }

  @Test
  void aNewConditionGetsTheCurrentTime() {
    List<Condition> merged = Conditions.put(List.of(), valid("True", "ok"), 1, T0);

    assertThat(merged)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
              assertThat(c.getObservedGeneration()).isEqualTo(1L);
            });
  }

  @Test
  void anUnchangedConditionKeepsItsTime() {
    List<Condition> first = Conditions.put(List.of(), valid("True", "ok"), 1, T0);

    List<Condition> second = Conditions.put(first, valid("True", "ok"), 1, T1);

    assertThat(second).singleElement().isSameAs(first.get(0));
  }

  @Test
  void aNewMessageWithTheSameStatusKeepsTheTransitionTime() {
    List<Condition> first = Conditions.put(List.of(), valid("False", "one thing"), 1, T0);

    List<Condition> second = Conditions.put(first, valid("False", "another thing"), 2, T1);

    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-11-25T10:00:00Z");
    assertThat(second.get(0).getMessage()).isEqualTo("another thing");
    assertThat(second.get(0).getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void aFlippedStatusMovesTheTransitionTime() {
    List<Condition> first = Conditions.put(List.of(), valid("False", "bad"), 1, T0);

    List<Condition> second = Conditions.put(first, valid("True", "ok"), 2, T1);

    assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-11-25T10:05:00Z");
  }

  @Test
  void otherConditionsAreKept() {
    Condition other = new Condition("Ready", "False", "NotDeployed", "no agents");
    List<Condition> merged = Conditions.put(List.of(other), valid("True", "ok"), 1, T0);

    assertThat(merged).extracting(Condition::getType).containsExactly("Ready", "Valid");
  }
}
