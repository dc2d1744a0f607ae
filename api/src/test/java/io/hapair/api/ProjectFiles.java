package io.hapair.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the checked-in files that the api tests read, relative to the api module. */
final class ProjectFiles {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path CHECKED_IN_CRD = ROOT.resolve("crds/hapairs.hapair.io-v1.yml");
  static final Path GENERATED_CRD =
      Path.of("target/classes/META-INF/fabric8/hapairs.hapair.io-v1.yml");
  static final Path CHECKED_IN_NODE_CRD = ROOT.resolve("crds/hapairnodes.hapair.io-v1.yml");
  static final Path GENERATED_NODE_CRD =
      Path.of("target/classes/META-INF/fabric8/hapairnodes.hapair.io-v1.yml");
  static final Path REFERENCE_DOC = ROOT.resolve("docs/reference/hapair.md");
  static final Path NODE_REFERENCE_DOC = ROOT.resolve("docs/reference/hapairnode.md");
  static final Path EXAMPLES = ROOT.resolve("manifests/examples");

  private ProjectFiles() {}

  static JsonNode readYaml(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> yamlFilesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
