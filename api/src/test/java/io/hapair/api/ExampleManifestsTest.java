package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.HAPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The samples users copy from manifests/examples/ are accepted by the CRD as checked in. */
class ExampleManifestsTest {
  private static CrdSchemaValidator validator;

  @BeforeAll
  static void loadCrd() {
    validator = new CrdSchemaValidator(ProjectFiles.readYaml(ProjectFiles.CHECKED_IN_CRD));
  }

  static List<Path> examples() {
    return ProjectFiles.yamlFilesIn(ProjectFiles.EXAMPLES);
  }

  @Test
  void activePassiveActiveActiveAndIpv6SamplesExist() {
    assertThat(examples())
        .extracting(p -> p.getFileName().toString())
        .contains("active-passive.yaml", "active-active.yaml", "ipv6.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void sampleIsAcceptedBySchemaAndRules(Path example) {
    assertThat(validator.validate(ProjectFiles.readYaml(example))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void sampleReadsIntoTheApiClassesWithoutLoss(Path example) throws Exception {
    JsonNode asWritten = ProjectFiles.readYaml(example);
    HAPair pair = Serialization.unmarshal(Files.readString(example), HAPair.class);
    JsonNode roundTripped = ProjectFiles.YAML.valueToTree(pair);
    assertThat(roundTripped.get("spec")).isEqualTo(asWritten.get("spec"));
  }
}
