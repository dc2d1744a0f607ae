package io.hapair.agent.core;

import static io.hapair.agent.meta.DiskState.INCONSISTENT;
import static io.hapair.agent.meta.DiskState.OUTDATED;
import static io.hapair.agent.meta.DiskState.UP_TO_DATE;
import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.meta.DiskState;
import io.hapair.agent.witness.WitnessRecord;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of who may ask the witness for the next epoch. T = 1000. */
class PromotionTest {
  private static final long T = 1000;
  private static final WitnessRecord A_LEADS_BOTH_CURRENT =
      new WitnessRecord("uid", 4, "a", Set.of("a", "b"), "v1");
  private static final WitnessRecord A_LEADS_ALONE =
      new WitnessRecord("uid", 4, "a", Set.of("a"), "v2");
  private static final WitnessRecord B_LEADS_ALONE =
      new WitnessRecord("uid", 4, "b", Set.of("b"), "v3");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "listed up to date, T after the last grant: promote",
            UP_TO_DATE,
            A_LEADS_BOTH_CURRENT,
            5000,
            4000,
            true,
            "ask for epoch 5"),
        Arguments.of(
            "the lease granted to the primary may still run",
            UP_TO_DATE,
            A_LEADS_BOTH_CURRENT,
            4999,
            4000,
            false,
            "may still run for 1 ns"),
        Arguments.of(
            "the witness outdated this node",
            UP_TO_DATE,
            A_LEADS_ALONE,
            9000,
            4000,
            false,
            "not b"),
        Arguments.of(
            "an Inconsistent resync target never promotes",
            INCONSISTENT,
            A_LEADS_BOTH_CURRENT,
            9000,
            4000,
            false,
            "Inconsistent"),
        Arguments.of(
            "an Outdated disk waits for a person",
            OUTDATED,
            A_LEADS_BOTH_CURRENT,
            9000,
            4000,
            false,
            "OUTDATED"),
        Arguments.of(
            "no record read: never on its own",
            UP_TO_DATE,
            null,
            9000,
            4000,
            false,
            "never promotes on its own"),
        Arguments.of(
            "just booted: the boot counts as a grant, even when the witness names this node",
            UP_TO_DATE,
            B_LEADS_ALONE,
            100,
            0,
            false,
            "may still run"),
        Arguments.of(
            "booted T ago and named by the witness: only through a new epoch",
            UP_TO_DATE,
            B_LEADS_ALONE,
            1000,
            0,
            true,
            "new epoch 5"),
        Arguments.of(
            "named primary but with an Outdated disk of its own",
            OUTDATED,
            B_LEADS_ALONE,
            9000,
            0,
            false,
            "OUTDATED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(
      String name,
      DiskState disk,
      WitnessRecord record,
      long now,
      long lastGrant,
      boolean allowed,
      String because) {
    Verdict v = Promotion.mayPromote("b", disk, record, now, lastGrant, T);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }
}
