package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiServerRulesTest {

  @Test
  void acceptsWhatARealApiServerAccepts() {
    assertThat(
            ApiServerRules.violations(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("hapair-team-db.main-0123456789")
                    .withNamespace("hapair-system")
                    .withLabels(Map.of("hapair.io/pair", "team-db.main", "app", ""))
                    .withAnnotations(Map.of("hapair.io/pair-uid", "x".repeat(1000)))
                    .endMetadata()
                    .build()))
        .isEmpty();
  }

  @Test
  void refusesLongAndMalformedNamesLabelsAndAnnotations() {
    assertThat(
            ApiServerRules.violations(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("Hapair_" + "x".repeat(250))
                    .withNamespace("ns")
                    .withLabels(Map.of("hapair.io/pair", "n".repeat(64), "bad key/x/y", "-v-"))
                    .withAnnotations(Map.of("a", "x".repeat(256 * 1024)))
                    .endMetadata()
                    .build()))
        .anySatisfy(p -> assertThat(p).contains("name longer than 253"))
        .anySatisfy(p -> assertThat(p).contains("not a DNS-1123 subdomain"))
        .anySatisfy(p -> assertThat(p).contains("value longer than 63 characters"))
        .anySatisfy(p -> assertThat(p).contains("label key bad key/x/y"))
        .anySatisfy(p -> assertThat(p).contains("value is not valid: -v-"))
        .anySatisfy(p -> assertThat(p).contains("more than 256 KiB"));
    assertThat(
            ApiServerRules.violations(
                new ServiceBuilder().withNewMetadata().withName("a.b").endMetadata().build()))
        .containsExactly("Service null/a.b: name is not a DNS-1123 label");
  }
}
