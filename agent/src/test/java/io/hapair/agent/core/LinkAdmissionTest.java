package io.hapair.agent.core;

import static io.hapair.agent.meta.Role.PRIMARY;
import static io.hapair.agent.meta.Role.SECONDARY;
import static io.hapair.agent.replication.SyncDecision.Outcome.IN_SYNC;
import static io.hapair.agent.replication.SyncDecision.Outcome.SOURCE;
import static io.hapair.agent.replication.SyncDecision.Outcome.SPLIT_BRAIN;
import static io.hapair.agent.replication.SyncDecision.Outcome.TARGET;
import static io.hapair.agent.replication.SyncDecision.Outcome.UNRELATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.SyncDecision;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of which links and frames a node accepts. */
class LinkAdmissionTest {

  private static PeerMessage.Hello hello(String uid, Role role, long epoch, long seen) {
    return new PeerMessage.Hello(
        uid, "b", role, epoch, seen, DiskState.UP_TO_DATE, Generations.BLANK, Set.of());
  }

  private static LinkAdmission.Local local(Role role, long epoch, long seen) {
    return new LinkAdmission.Local("uid", role, epoch, seen);
  }

  static Stream<Arguments> links() {
    return Stream.of(
        Arguments.of(
            "primary meets its secondary",
            local(PRIMARY, 4, 4),
            hello("uid", SECONDARY, 0, 4),
            SOURCE,
            true,
            "same pair"),
        Arguments.of(
            "secondary meets the primary of the newest epoch",
            local(SECONDARY, 0, 4),
            hello("uid", PRIMARY, 4, 4),
            IN_SYNC,
            true,
            "same pair"),
        Arguments.of(
            "another pair's node",
            local(SECONDARY, 0, 4),
            hello("other", PRIMARY, 4, 4),
            IN_SYNC,
            false,
            "belongs to pair other"),
        Arguments.of(
            "two primaries",
            local(PRIMARY, 4, 4),
            hello("uid", PRIMARY, 5, 5),
            IN_SYNC,
            false,
            "both nodes are primary"),
        Arguments.of(
            "a primary of an older epoch",
            local(SECONDARY, 0, 5),
            hello("uid", PRIMARY, 4, 4),
            IN_SYNC,
            false,
            "claims epoch 4 but epoch 5"),
        Arguments.of(
            "a secondary that has seen a newer epoch than this primary",
            local(PRIMARY, 4, 4),
            hello("uid", SECONDARY, 0, 5),
            SOURCE,
            false,
            "seen epoch 5"),
        Arguments.of(
            "split brain is never resolved silently",
            local(PRIMARY, 4, 4),
            hello("uid", SECONDARY, 0, 4),
            SPLIT_BRAIN,
            false,
            "split brain"),
        Arguments.of(
            "unrelated disks",
            local(SECONDARY, 0, 4),
            hello("uid", PRIMARY, 4, 4),
            UNRELATED,
            false,
            "no common history"),
        Arguments.of(
            "a primary whose peer holds newer data",
            local(PRIMARY, 4, 4),
            hello("uid", SECONDARY, 0, 4),
            TARGET,
            false,
            "newer than this primary's"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("links")
  void admitsLinks(
      String name,
      LinkAdmission.Local local,
      PeerMessage.Hello peer,
      SyncDecision.Outcome data,
      boolean allowed,
      String because) {
    Verdict v = LinkAdmission.admit(local, peer, data);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  static Stream<Arguments> frames() {
    return Stream.of(
        Arguments.of("the next frame of this session", 7, 3, 4, true, "next frame"),
        Arguments.of("a frame of an earlier session", 6, 3, 4, false, "session 6, not 7"),
        Arguments.of("a frame replayed within the session", 7, 2, 4, false, "number 2 where 3"),
        Arguments.of("a frame skipping ahead (forged or lost)", 7, 5, 4, false, "number 5"),
        Arguments.of("a frame of an older epoch", 7, 3, 3, false, "older than 4"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("frames")
  void acceptsFrames(
      String name, long session, long counter, long epoch, boolean allowed, String because) {
    Verdict v = LinkAdmission.acceptFrame(session, 7, counter, 3, epoch, 4);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  static Stream<Arguments> stepDowns() {
    return Stream.of(
        Arguments.of("a primary hears a newer epoch", PRIMARY, 4, 5, true),
        Arguments.of("a primary hears its own epoch", PRIMARY, 4, 4, false),
        Arguments.of("a secondary has nothing to step down from", SECONDARY, 0, 5, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stepDowns")
  void stepsDownOnANewerEpoch(String name, Role role, long epoch, long heard, boolean down) {
    assertThat(LinkAdmission.stepDown(role, epoch, heard).allowed()).isEqualTo(down);
  }
}
