package io.hapair.api.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PairObjectsTest {
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  @Test
  void pairsWhoseDashedNamesCollideGetDistinctObjects() {
    assertThat(PairObjects.legacySecretName("team-db", "main"))
        .isEqualTo(PairObjects.legacySecretName("team", "db-main"));
    assertThat(PairObjects.secretName("team-db", "main"))
        .isNotEqualTo(PairObjects.secretName("team", "db-main"))
        .startsWith("hapair-team-db-main-");
    assertThat(PairObjects.leaseName("team-db", "main", "g"))
        .isNotEqualTo(PairObjects.leaseName("team", "db-main", "g"));
    assertThat(PairObjects.reportName("ns", "a.b", "c"))
        .isNotEqualTo(PairObjects.reportName("ns", "a", "b.c"));
    assertThat(PairObjects.pairLabel("team-db", "main"))
        .isNotEqualTo(PairObjects.pairLabel("team", "db-main"));
  }

  @Test
  void namesAndLabelsStayWithinTheApiServersLimitsForTheLongestInputs() {
    String ns = "n".repeat(63);
    String pair = "p".repeat(200) + "." + "q".repeat(52);
    String node = "k".repeat(253);
    for (String name :
        new String[] {
          PairObjects.secretName(ns, pair),
          PairObjects.leaseName(ns, pair, "g".repeat(63)),
          PairObjects.reportName(ns, pair, node)
        }) {
      assertThat(name.length()).isLessThanOrEqualTo(253);
      assertThat(name).matches(SUBDOMAIN);
    }
    for (String value :
        new String[] {PairObjects.pairLabel(ns, pair), PairObjects.labelValue(node)}) {
      assertThat(value.length()).isLessThanOrEqualTo(63);
      assertThat(value).matches(LABEL_VALUE);
    }
    assertThat(PairObjects.pairLabel(ns, pair))
        .isNotEqualTo(PairObjects.pairLabel(ns, pair.replace('q', 'r')));
  }

  @Test
  void aShortPairLabelStaysReadableAndUnchangedFromOlderVersions() {
    assertThat(PairObjects.pairLabel("default", "db")).isEqualTo("default.db");
  }
}
