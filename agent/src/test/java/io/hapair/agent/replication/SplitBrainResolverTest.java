package io.hapair.agent.replication;

import static io.hapair.agent.replication.SplitBrainResolver.Victim.LOCAL;
import static io.hapair.agent.replication.SplitBrainResolver.Victim.NONE;
import static io.hapair.agent.replication.SplitBrainResolver.Victim.PEER;
import static io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy.DiscardLeastChanges;
import static io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy.DiscardYoungerPrimary;
import static io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy.Manual;
import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.Role;
import io.hapair.agent.replication.SplitBrainResolver.Side;
import io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SplitBrainResolverTest {
  private static Side primary(long epoch, long changes) {
    return new Side(Role.PRIMARY, epoch, changes);
  }

  private static Side secondary(long epoch, long changes) {
    return new Side(Role.SECONDARY, epoch, changes);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("Manual never resolves", Manual, primary(6, 100), secondary(1, 1), NONE),
        Arguments.of(
            "least changes: the secondary changed less, it is discarded",
            DiscardLeastChanges,
            primary(6, 100),
            secondary(1, 10),
            PEER),
        Arguments.of(
            "least changes: seen from the secondary, it discards itself",
            DiscardLeastChanges,
            secondary(1, 10),
            primary(6, 100),
            LOCAL),
        Arguments.of(
            "least changes: the primary changed less, but its data is never discarded",
            DiscardLeastChanges,
            primary(6, 10),
            secondary(1, 100),
            NONE),
        Arguments.of(
            "younger primary: the secondary led last, it is discarded",
            DiscardYoungerPrimary,
            primary(3, 1),
            secondary(7, 100),
            PEER),
        Arguments.of(
            "younger primary: the current primary led last, never discarded",
            DiscardYoungerPrimary,
            primary(7, 1),
            secondary(3, 1),
            NONE),
        Arguments.of(
            "no primary: nothing says whose data is current",
            DiscardLeastChanges,
            secondary(1, 1),
            secondary(2, 9),
            NONE),
        Arguments.of(
            "two primaries: refused", DiscardLeastChanges, primary(1, 1), primary(2, 9), NONE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void picksOnlyTheNonPrimary(
      String name,
      SplitBrainPolicy policy,
      Side local,
      Side peer,
      SplitBrainResolver.Victim expected) {
    assertThat(SplitBrainResolver.victim(policy, local, peer)).isEqualTo(expected);
  }
}
