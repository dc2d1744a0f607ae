package io.hapair.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * What crds/ must hold: the CRD generator's output with one change. The generator sorts printer
 * columns by JSON path; kubectl shows them in file order, so they are put back in the order the
 * annotations on the resource class declare them.
 */
final class CheckedInCrd {
  private CheckedInCrd() {}

  static String render(JsonNode generated, Class<?> kind) throws IOException {
    ObjectNode crd = generated.deepCopy();
    for (JsonNode version : crd.path("spec").path("versions")) {
      ((ObjectNode) version).set("additionalPrinterColumns", inDeclaredOrder(version, kind));
    }
    return "# Generated from the api module by fabric8's CRD generator: run `make crds`, do not"
        + " edit.\n"
        + ProjectFiles.YAML.writeValueAsString(crd);
  }

  private static ArrayNode inDeclaredOrder(JsonNode version, Class<?> kind) {
    List<String> order =
        Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    ArrayNode sorted = ProjectFiles.YAML.createArrayNode();
    for (String name : order) {
      for (JsonNode column : version.path("additionalPrinterColumns")) {
        if (column.path("name").asText().equals(name)) {
          sorted.add(column);
        }
      }
    }
    return sorted;
  }
}
