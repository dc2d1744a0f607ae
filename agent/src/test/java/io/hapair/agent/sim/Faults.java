package io.hapair.agent.sim;

import java.util.SplittableRandom;

/**
 * How often each fault happens in one run, drawn from the seed: each is off in about half the
 * seeds, so that seeds with few faults also reach the deep states. Per-message rates apply to every
 * message; per-step rates are chances per 100 ms of simulated time.
 */
record Faults(
    double messageLoss,
    double messageDelay,
    double replay,
    double partition,
    double oneWay,
    double crash,
    double pause,
    double diskSlow,
    double diskStall,
    double diskEio,
    double witnessLate,
    double witnessLost,
    double witnessRestart,
    double witnessRollback,
    double stuckClient,
    double cleanStop) {

  static Faults draw(SplittableRandom rnd) {
    return new Faults(
        rate(rnd, 0.02),
        rate(rnd, 0.1),
        rate(rnd, 0.05),
        rate(rnd, 0.05),
        rnd.nextDouble(),
        rate(rnd, 0.03),
        rate(rnd, 0.03),
        rate(rnd, 0.03),
        rate(rnd, 0.02),
        rate(rnd, 0.002),
        rate(rnd, 0.2),
        rate(rnd, 0.1),
        rate(rnd, 0.02),
        rate(rnd, 0.01),
        rate(rnd, 0.03),
        rate(rnd, 0.01));
  }

  private static double rate(SplittableRandom rnd, double max) {
    return rnd.nextBoolean() ? 0 : rnd.nextDouble() * max;
  }
}
