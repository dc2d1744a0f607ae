package io.hapair.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.core.CoreConfig.Bug;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves that the simulator finds real bugs: each {@link Bug} switches one safety rule off, and the
 * simulator must find a violating seed within {@link #BUDGET} runs. The first seed found and the
 * number of runs it took are recorded in docs/design/0011.
 */
class MutationSimTest {
  static final int BUDGET = 5_000;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Bug.class)
  void theSimulatorFindsTheBug(Bug bug) {
    long first = Long.getLong("sim.first", 1);
    for (long seed = first; seed < first + BUDGET; seed++) {
      Sim sim = new Sim(seed, Set.of(bug));
      List<String> violations = sim.run();
      if (!violations.isEmpty()) {
        System.out.printf(
            "%s found by seed %d after %d runs: %s%n",
            bug, seed, seed - first + 1, violations.get(0));
        return;
      }
    }
    assertThat(false).as(bug + " not found in " + BUDGET + " seeds").isTrue();
  }
}
