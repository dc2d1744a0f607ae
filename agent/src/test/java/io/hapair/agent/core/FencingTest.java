package io.hapair.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.witness.WitnessRecord;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of fencing: primary a of epoch 4 outdates peer b. */
class FencingTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "peer listed current: outdate it",
            new WitnessRecord("uid", 4, "a", Set.of("a", "b"), "v1"),
            true,
            "outdate b"),
        Arguments.of(
            "peer already outdated: still write a new version",
            new WitnessRecord("uid", 4, "a", Set.of("a"), "v1"),
            true,
            "write a new version"),
        Arguments.of(
            "the peer took over: step down",
            new WitnessRecord("uid", 5, "b", Set.of("b"), "v1"),
            false,
            "step down"),
        Arguments.of(
            "nobody leads this epoch any more",
            new WitnessRecord("uid", 4, "", Set.of("a"), "v1"),
            false,
            "names nobody"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, WitnessRecord read, boolean allowed, String because) {
    Verdict v = Fencing.mayFence(read, "a", 4, "b");
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  @Test
  void theFencedRecordKeepsTheTermAndDropsOnlyThePeer() {
    WitnessRecord read = new WitnessRecord("uid", 4, "a", Set.of("a", "b"), "v1");
    assertThat(Fencing.fenced(read, "b"))
        .isEqualTo(new WitnessRecord("uid", 4, "a", Set.of("a"), "v1"));
  }

  static Stream<Arguments> relist() {
    return Stream.of(
        Arguments.of("resynced and flushed in this session", 7, 7, true, true, "within this"),
        Arguments.of("the session that earned it ended", 7, 8, true, false, "which ended"),
        Arguments.of("not flushed yet", 7, 7, false, false, "not flushed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("relist")
  void relistsOnlyWithinTheSessionThatEarnedIt(
      String name, long earned, long current, boolean flushed, boolean allowed, String because) {
    Verdict v = Fencing.mayRelist(earned, current, flushed);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }
}
