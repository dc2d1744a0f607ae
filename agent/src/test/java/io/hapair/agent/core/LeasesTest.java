package io.hapair.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.witness.WitnessRecord;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of a primary's lease. */
class LeasesTest {

  @Test
  void aGrantCountsFromWhenTheRequestWasSentNotWhenTheAnswerCame() {
    assertThat(Leases.grantedUntil(1000, 300)).isEqualTo(1300);
  }

  static Stream<Arguments> serving() {
    return Stream.of(
        Arguments.of("granted and running", true, 1300, 1299, true, "runs 1 ns more"),
        Arguments.of("lapsed at its end", true, 1300, 1300, false, "lapsed 0 ns ago"),
        Arguments.of("never granted in this term", false, 1300, 0, false, "no lease"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("serving")
  void servesOnlyWithinTheLease(
      String name, boolean granted, long until, long now, boolean allowed, String because) {
    Verdict v = Leases.mayServe(granted, until, now);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  static Stream<Arguments> renewals() {
    return Stream.of(
        Arguments.of(
            "this node leads and the peer is outdated",
            new WitnessRecord("uid", 4, "a", Set.of("a"), "v"),
            true,
            "b is outdated"),
        Arguments.of(
            "during fencing the record still lists the peer",
            new WitnessRecord("uid", 4, "a", Set.of("a", "b"), "v"),
            false,
            "still lists b"),
        Arguments.of(
            "another node leads a newer epoch",
            new WitnessRecord("uid", 5, "b", Set.of("b"), "v"),
            false,
            "names b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renewals")
  void renewsAtTheWitnessOnlyFromARecordShowingThePeerOutdated(
      String name, WitnessRecord record, boolean allowed, String because) {
    Verdict v = Leases.mayRenewAtWitness(record, "a", 4, "b");
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  static Stream<Arguments> terms() {
    return Stream.of(
        Arguments.of("the primary's term is shorter", 300, 500, true, "margin 200"),
        Arguments.of("equal terms leave no margin", 500, 500, false, "must be shorter"),
        Arguments.of("a primary's term longer than the secondary's", 600, 500, false, "shorter"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("terms")
  void givesThePrimaryTheShorterTimer(
      String name, long primary, long secondary, boolean allowed, String because) {
    Verdict v = Leases.termsOrdered(primary, secondary);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }

  static Stream<Arguments> relisting() {
    return Stream.of(
        Arguments.of("the lease rests on the peer's grants", true, 1300, true, 1300, true, "rests"),
        Arguments.of(
            "the lease still runs on the promotion's witness answer",
            true,
            1400,
            true,
            1300,
            false,
            "100 ns past"),
        Arguments.of("the peer granted nothing yet", true, 1300, false, 0, false, "nothing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("relisting")
  void reListsThePeerOnlyWhenTheLeaseRestsOnItsGrants(
      String name,
      boolean granted,
      long until,
      boolean peerGranted,
      long peerUntil,
      boolean allowed,
      String because) {
    Verdict v = Leases.backedByPeer(granted, until, peerGranted, peerUntil);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }
}
