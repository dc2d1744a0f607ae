package io.hapair.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hapair.agent.hooks.HookRunner;
import io.hapair.api.v1alpha1.VolumeSpec.Protocol;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notify hooks run on transitions, with group and role; a failing or hanging one is harmless. */
class HooksIT {
  @TempDir Path dir;

  @Test
  void theTakingOverNodeRunsItsPrimaryHook() throws Exception {
    Path record = dir.resolve("hook.log");
    try (PairHarness pair = new PairHarness(dir, Protocol.C, "hooks key".getBytes());
        HookRunner hooks =
            new HookRunner(
                new HookRunner.Hooks("echo >> " + record, null, null, Duration.ofSeconds(5)),
                "vol",
                Tags.empty(),
                "test")) {
      pair.autoFailover = true;
      pair.startInSync(pair.arbiter, pair.arbiter);
      pair.b.volume.onTransitions(
          new ReplicatedVolume.TransitionListener() {
            @Override
            public void becamePrimary(long epoch) {
              hooks.becamePrimary();
            }
          });

      pair.a.crash();

      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(record));
      assertThat(Files.readString(record)).isEqualTo("vol primary\n");
    }
  }

  @Test
  void aFailingHookIsCountedAndAHangingOneIsKilled() throws Exception {
    Path after = dir.resolve("after");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Metrics.addRegistry(registry);
    try (HookRunner hooks =
        new HookRunner(
            new HookRunner.Hooks(
                "exit 3 #", "sleep 60 #", "touch " + after + " #", Duration.ofMillis(300)),
            "vol",
            Tags.of("node", "hooks-test"),
            "test")) {
      hooks.becamePrimary(); // fails
      hooks.becameSecondary(); // hangs, killed after 300 ms
      hooks.fault(); // still runs: hooks are serial and nothing above stopped the runner

      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(after));
      assertThat(
              registry
                  .counter("hapair.hook.failures", Tags.of("node", "hooks-test", "role", "primary"))
                  .count())
          .isEqualTo(1);
      assertThat(
              registry
                  .counter(
                      "hapair.hook.failures", Tags.of("node", "hooks-test", "role", "secondary"))
                  .count())
          .as("the hanging hook was killed and counted")
          .isEqualTo(1);
    } finally {
      Metrics.removeRegistry(registry);
    }
  }
}
