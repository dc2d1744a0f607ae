package io.hapair.agent.replication;

import static io.hapair.agent.replication.SyncDecision.Outcome.FULL_SOURCE;
import static io.hapair.agent.replication.SyncDecision.Outcome.FULL_TARGET;
import static io.hapair.agent.replication.SyncDecision.Outcome.IN_SYNC;
import static io.hapair.agent.replication.SyncDecision.Outcome.SOURCE;
import static io.hapair.agent.replication.SyncDecision.Outcome.SPLIT_BRAIN;
import static io.hapair.agent.replication.SyncDecision.Outcome.TARGET;
import static io.hapair.agent.replication.SyncDecision.Outcome.UNRELATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SyncDecisionTest {
  private static final Generations X = new Generations(10, 0, 0, 0);

  static Stream<Arguments> cases() {
    Generations aheadOfX = X.diverge(20); // (20, 10)
    Generations otherAheadOfX = X.diverge(30); // (30, 10)
    return Stream.of(
        Arguments.of("two blank disks", Generations.BLANK, Generations.BLANK, IN_SYNC),
        Arguments.of("a new pair: the peer is blank", X, Generations.BLANK, FULL_SOURCE),
        Arguments.of("a new pair: this node is blank", Generations.BLANK, X, FULL_TARGET),
        Arguments.of("same data", X, X, IN_SYNC),
        Arguments.of("this node wrote while the peer was away", aheadOfX, X, SOURCE),
        Arguments.of("the peer wrote while this node was away", X, aheadOfX, TARGET),
        Arguments.of("both wrote separately", aheadOfX, otherAheadOfX, SPLIT_BRAIN),
        Arguments.of(
            "the peer's bitmap was lost but its data is in this node's history",
            new Generations(40, 0, 10, 0),
            X,
            FULL_SOURCE),
        Arguments.of("no common history", X, new Generations(99, 0, 0, 0), UNRELATED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Generations local, Generations peer, SyncDecision.Outcome expected) {
    assertThat(SyncDecision.decide(local, Role.SECONDARY, peer, Role.SECONDARY))
        .isEqualTo(expected);
  }
}
