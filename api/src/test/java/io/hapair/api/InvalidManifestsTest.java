package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file in src/test/resources/invalid/ is a HAPair with one mistake, and its first line says
 * what the rejection must mention: the schema catches it with no controller involved.
 */
class InvalidManifestsTest {
  private static final Path INVALID = Path.of("src/test/resources/invalid");
  private static final String EXPECT = "# expect: ";
  private static CrdSchemaValidator validator;

  @BeforeAll
  static void loadCrd() {
    validator = new CrdSchemaValidator(ProjectFiles.readYaml(ProjectFiles.CHECKED_IN_CRD));
  }

  static List<Path> brokenSamples() {
    return ProjectFiles.yamlFilesIn(INVALID);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenSamples")
  void isRejectedNamingTheMistake(Path sample) throws IOException {
    String firstLine = Files.readAllLines(sample).get(0);
    assertThat(firstLine).as("first line of %s", sample).startsWith(EXPECT);
    String expected = firstLine.substring(EXPECT.length());

    List<String> errors = validator.validate(ProjectFiles.readYaml(sample));

    assertThat(errors).as("errors for %s", sample).anyMatch(e -> e.contains(expected));
  }
}
