package io.hapair.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The chart in helm/hapair, rendered by the real Helm engine and parsed with fabric8. */
final class Chart {
  static final Path DIR = Path.of("hapair").toAbsolutePath();
  static final String RELEASE = "hapair";
  static final String NAMESPACE = "hapair-system";

  /**
   * The Kubernetes version the tests render for: the chart's minimum. Helm's engine here would
   * otherwise assume v1.20, which the chart's kubeVersion refuses.
   */
  static final String KUBE_VERSION = "v1.28.0";

  private Chart() {}

  /** `helm template` with the chart's defaults, the given values file, then the --set pairs. */
  static String template(Path valuesFile, Map<String, Object> sets) {
    TemplateCommand command =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return command.call();
  }

  static Rendered render(Path valuesFile) {
    return new Rendered(parse(template(valuesFile, Map.of())));
  }

  /** Splits a multi-document YAML stream into typed objects (unknown kinds stay generic). */
  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(line -> line.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(document, HasMetadata.class));
      }
    }
    return objects;
  }

  /** The objects of one rendering, looked up by kind and name. */
  record Rendered(List<HasMetadata> objects) {
    <T extends HasMetadata> T get(Class<T> type, String name) {
      return find(type, name)
          .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
      return objects.stream()
          .filter(type::isInstance)
          .map(type::cast)
          .filter(o -> o.getMetadata().getName().equals(name))
          .findFirst();
    }

    List<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).sorted().toList();
    }
  }
}
