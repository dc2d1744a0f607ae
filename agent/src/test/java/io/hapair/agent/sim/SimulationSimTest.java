package io.hapair.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Runs the real core through many seeded fault schedules and checks every history. {@code
 * -Dsim.seed=N} replays one seed; {@code -Dsim.seeds=N} sets how many (CI default 2,000); {@code
 * -Dsim.first=N} where they start.
 */
class SimulationSimTest {

  @Test
  void noScheduleLosesAWriteServesStaleDataOrLetsTwoNodesServe() {
    String one = System.getProperty("sim.seed");
    long first = one != null ? Long.parseLong(one) : Long.getLong("sim.first", 1);
    long count = one != null ? 1 : Long.getLong("sim.seeds", 2_000);
    List<String> failures = new ArrayList<>();
    long events = 0;
    long takeovers = 0;
    long withTakeover = 0;
    long started = System.nanoTime();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuStarted = threads.getCurrentThreadCpuTime();
    for (long seed = first; seed < first + count && failures.size() < 5; seed++) {
      Sim sim = new Sim(seed, Set.of());
      List<String> violations = sim.run();
      events += sim.events();
      takeovers += sim.takeovers();
      withTakeover += sim.takeovers() > 0 ? 1 : 0;
      if (!violations.isEmpty()) {
        failures.add("seed " + seed + ": " + violations.get(0) + "\n" + sim.trace());
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
    System.out.printf(
        "simulated %d seeds from %d, %d events, in %.1f s (%.1f s of CPU): %.0f seeds/s,"
            + " %.0f seeds per CPU second%n",
        count, first, events, seconds, cpu, count / seconds, count / cpu);
    System.out.printf(
        "%d runs moved the role at least once after the first promotion, %d moves in all%n",
        withTakeover, takeovers);
    assertThat(failures).as("replay one with -Dsim.seed=N").isEmpty();
  }
}
