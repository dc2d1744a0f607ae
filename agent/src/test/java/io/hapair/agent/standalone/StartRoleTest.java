package io.hapair.agent.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.standalone.StartRole.Kind;
import io.hapair.agent.witness.WitnessRecord;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StartRoleTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "a new pair: the preferred node leads", record(0, ""), true, 0, 0, Kind.LEAD, "new"),
        Arguments.of(
            "a new pair: the other node follows", record(0, ""), false, 0, 0, Kind.FOLLOW, ""),
        Arguments.of(
            "the record names this node at an epoch it has seen: wait for the peer",
            record(5, "a"),
            false,
            5,
            5,
            Kind.LEAD_WHEN_PEER_AGREES,
            "restored copy"),
        Arguments.of(
            "a restored record and a peer whose report is gone: still wait for the peer",
            record(5, "a"),
            true,
            5,
            0,
            Kind.LEAD_WHEN_PEER_AGREES,
            "restored copy"),
        Arguments.of(
            "the record carries an epoch neither node has seen (a handover landed): lead",
            record(6, "a"),
            false,
            5,
            5,
            Kind.LEAD,
            "newer than any epoch"),
        Arguments.of(
            "the peer reported a newer epoch than the record: distrust",
            record(5, "a"),
            false,
            5,
            6,
            Kind.DISTRUST,
            "epoch 6 reported by the peer"),
        Arguments.of(
            "this disk has seen a newer epoch than the record: distrust",
            record(5, "b"),
            false,
            6,
            0,
            Kind.DISTRUST,
            "epoch 6 seen on this node"),
        Arguments.of(
            "the peer leads: follow", record(6, "b"), true, 6, 6, Kind.FOLLOW, "b is primary"),
        Arguments.of(
            "nobody leads after a term and this node is preferred: wait for the peer",
            record(3, ""),
            true,
            3,
            0,
            Kind.LEAD_WHEN_PEER_AGREES,
            "nobody leads"),
        Arguments.of(
            "a preferred node with a used disk and an epoch-0 record: distrust",
            record(0, ""),
            true,
            2,
            0,
            Kind.DISTRUST,
            "older than epoch 2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(
      String name,
      WitnessRecord record,
      boolean preferred,
      long ownSeen,
      long peerReported,
      Kind kind,
      String reason) {
    StartRole start = StartRole.decide(record, "a", preferred, ownSeen, peerReported);
    assertThat(start.kind()).isEqualTo(kind);
    assertThat(start.reason()).contains(reason);
  }

  private static WitnessRecord record(long epoch, String primary) {
    return new WitnessRecord("uid", epoch, primary, Set.of("a", "b"), "1");
  }

  static Stream<Arguments> forcedCases() {
    return Stream.of(
        Arguments.of(
            "forced primary of the record's epoch: the person's statement stands in for the peer",
            record(5, "a"),
            5L,
            Kind.LEAD,
            "a person forced this node primary of epoch 5"),
        Arguments.of(
            "forced at an epoch the record no longer shows (restored or moved on): wait for the peer",
            record(4, "a"),
            5L,
            Kind.DISTRUST,
            "older than epoch 5"),
        Arguments.of(
            "forced, but the record names the peer now: follow",
            record(6, "b"),
            5L,
            Kind.FOLLOW,
            "b is primary of epoch 6"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forcedCases")
  void aForcedPromotionLeadsOnlyFromTheRecordItProduced(
      String name, WitnessRecord record, long forcedEpoch, Kind kind, String reason) {
    StartRole start = StartRole.decide(record, "a", false, forcedEpoch, forcedEpoch, forcedEpoch);
    assertThat(start.kind()).isEqualTo(kind);
    assertThat(start.reason()).contains(reason);
  }
}
