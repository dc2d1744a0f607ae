package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailoverBudgetTest {
  static final long MINUTE = Duration.ofMinutes(1).toNanos();

  @Test
  void allowsMaxChangesPerWindowThenWaitsForTheOldestToAgeOut() {
    FailoverBudget budget = new FailoverBudget(3, Duration.ofMinutes(10));
    assertThat(budget.spend(0)).isTrue();
    assertThat(budget.spend(MINUTE)).isTrue();
    assertThat(budget.spend(2 * MINUTE)).isTrue();
    assertThat(budget.spend(3 * MINUTE)).isFalse();
    assertThat(budget.spend(9 * MINUTE)).isFalse();
    assertThat(budget.spend(10 * MINUTE)).isTrue(); // the first change is 10 minutes old
    assertThat(budget.spend(10 * MINUTE + 1)).isFalse();
  }

  @Test
  void aRefusalSpendsNothing() {
    FailoverBudget budget = new FailoverBudget(1, Duration.ofMinutes(1));
    assertThat(budget.spend(0)).isTrue();
    for (int i = 1; i < 50; i++) {
      assertThat(budget.spend(i)).isFalse();
    }
    assertThat(budget.spend(MINUTE)).isTrue();
  }

  @Test
  void askingTakesNothingOnlyRecordedChangesCount() {
    FailoverBudget budget = new FailoverBudget(1, Duration.ofMinutes(1));
    for (int i = 0; i < 50; i++) {
      assertThat(budget.allows(i)).isTrue();
    }
    budget.record(50);
    assertThat(budget.allows(51)).isFalse();
    assertThat(budget.allows(50 + MINUTE)).isTrue();
  }
}
