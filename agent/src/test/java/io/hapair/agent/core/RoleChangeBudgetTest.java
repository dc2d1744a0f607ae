package io.hapair.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of the failover budget: 2 role changes per 1000 ns. */
class RoleChangeBudgetTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing spent", List.of(), 5000, true, "2 of 2"),
        Arguments.of("one change in the window", List.of(4500L), 5000, true, "1 of 2"),
        Arguments.of(
            "two changes in the window", List.of(4200L, 4500L), 5000, false, "2 automatic"),
        Arguments.of(
            "the older change left the window", List.of(4000L, 4500L), 5000, true, "1 of"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, List<Long> changes, long now, boolean allowed, String because) {
    Verdict v = new RoleChangeBudget(2, 1000, changes).mayChange(now);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  @Test
  void onlyARoleChangeSpendsIt() {
    RoleChangeBudget budget = RoleChangeBudget.of(1, 1000);
    // Asking (a refused or failed takeover) leaves the budget as it was.
    assertThat(budget.mayChange(10).allowed()).isTrue();
    assertThat(budget.mayChange(20).allowed()).isTrue();
    assertThat(budget.changed(30).mayChange(40).allowed()).isFalse();
  }
}
