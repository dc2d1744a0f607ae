package io.hapair.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.witness.WitnessRecord;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The specification of which witness answers a node acts on: it has seen epoch 4, sent nonce 9. */
class WitnessTrustTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "the answer to this request, current epoch",
            new WitnessRecord("uid", 4, "a", Set.of("a"), "v"),
            9,
            true,
            "bound to request 9"),
        Arguments.of(
            "a newer epoch is news, not a reason to distrust",
            new WitnessRecord("uid", 6, "b", Set.of("b"), "v"),
            9,
            true,
            "epoch 6"),
        Arguments.of(
            "an answer to another request (late or replayed)",
            new WitnessRecord("uid", 4, "a", Set.of("a"), "v"),
            8,
            false,
            "not to 9"),
        Arguments.of(
            "another pair's record (a replaced witness)",
            new WitnessRecord("other", 4, "a", Set.of("a"), "v"),
            9,
            false,
            "replaced"),
        Arguments.of(
            "an epoch lower than seen (restored from a backup)",
            new WitnessRecord("uid", 3, "a", Set.of("a", "b"), "v"),
            9,
            false,
            "rolled back"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, WitnessRecord record, long nonce, boolean allowed, String because) {
    Verdict v = WitnessTrust.trust(record, "uid", 4, 9, nonce);
    assertThat(v.allowed()).as(v.reason()).isEqualTo(allowed);
    assertThat(v.reason()).contains(because);
  }
}
