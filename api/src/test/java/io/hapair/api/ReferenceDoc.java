package io.hapair.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hapair.api.v1alpha1.WireValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders a kind's reference page from its CRD schema, so that the reference names every field with
 * the same type, default, limits and description as kubectl explain, and lists the status
 * vocabulary from the enums that agents and operator share.
 */
final class ReferenceDoc {
  private ReferenceDoc() {}

  /** A vocabulary enum and the fields that take its values. */
  record Values(Class<? extends WireValue> type, String fields) {}

  /** {@code intro}: paragraphs on how the kind is used, printed under the title. */
  static String render(JsonNode crd, String intro, List<Values> vocabulary) {
    JsonNode version = crd.at("/spec/versions/0");
    JsonNode properties = version.at("/schema/openAPIV3Schema/properties");
    String kind = crd.at("/spec/names/kind").asText();
    String shortName = crd.at("/spec/names/shortNames/0").asText();
    StringBuilder doc = new StringBuilder();
    doc.append("# ")
        .append(kind)
        .append(" reference (`hapair.io/")
        .append(version.get("name").asText())
        .append("`)\n\n")
        .append("Generated from the CRD by `make crds`; do not edit. `kubectl explain ")
        .append(kind.toLowerCase(Locale.ROOT))
        .append(".spec`")
        .append(" shows the same text.\n\n")
        .append(intro.isEmpty() ? "" : intro + "\n\n")
        .append("Short name `")
        .append(shortName)
        .append("`. `kubectl get ")
        .append(shortName)
        .append("` shows: ");
    List<String> columns = new ArrayList<>();
    version.path("additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
    doc.append(String.join(", ", columns)).append(".\n\n");
    Set<String> rules = new LinkedHashSet<>();
    collectRules(properties.get("spec"), rules);
    if (!rules.isEmpty()) {
      doc.append("## Rules checked by the API server\n\n");
      rules.forEach(rule -> doc.append("- ").append(rule).append('\n'));
      doc.append('\n');
    }
    for (String part : List.of("spec", "status")) {
      doc.append("## ").append(part).append("\n\n");
      doc.append(properties.get(part).path("description").asText()).append("\n\n");
      doc.append("| field | type | default | limits | description |\n");
      doc.append("| --- | --- | --- | --- | --- |\n");
      rows(properties.get(part), part, doc);
      doc.append('\n');
    }
    if (!vocabulary.isEmpty()) {
      doc.append("## Values\n\n")
          .append("The status vocabulary that agents and operator share (the enums in")
          .append(" `io.hapair.api.v1alpha1`).\n");
      vocabulary.forEach(v -> values(v, doc));
    }
    return doc.toString().stripTrailing() + "\n";
  }

  private static void values(Values v, StringBuilder doc) {
    doc.append("\n### ")
        .append(v.type().getSimpleName())
        .append("\n\n")
        .append(v.fields())
        .append("\n\n| value | meaning |\n| --- | --- |\n");
    for (WireValue value : v.type().getEnumConstants()) {
      doc.append("| `")
          .append(value)
          .append("` | ")
          .append(value.meaning().replace("|", "\\|"))
          .append(" |\n");
    }
  }

  private static void collectRules(JsonNode schema, Set<String> rules) {
    schema.path("x-kubernetes-validations").forEach(r -> rules.add(r.get("message").asText()));
    schema.path("properties").fields().forEachRemaining(p -> collectRules(p.getValue(), rules));
    if (schema.has("items")) {
      collectRules(schema.get("items"), rules);
    }
  }

  private static void rows(JsonNode schema, String path, StringBuilder doc) {
    JsonNode props =
        schema.has("properties")
            ? schema.get("properties")
            : schema.path("items").path("properties");
    String prefix = schema.has("properties") ? path : path + "[]";
    List<String> required = new ArrayList<>();
    (schema.has("required") ? schema : schema.path("items"))
        .path("required")
        .forEach(r -> required.add(r.asText()));
    props
        .fields()
        .forEachRemaining(
            p -> {
              String field = prefix + "." + p.getKey();
              JsonNode s = p.getValue();
              doc.append("| `")
                  .append(field)
                  .append("` | ")
                  .append(type(s))
                  .append(required.contains(p.getKey()) ? ", required" : "")
                  .append(" | ")
                  .append(s.has("default") ? "`" + s.get("default").asText() + "`" : "")
                  .append(" | ")
                  .append(limits(s))
                  .append(" | ")
                  .append(s.path("description").asText().replace("|", "\\|"))
                  .append(" |\n");
              if (s.has("properties") || s.path("items").has("properties")) {
                rows(s, field, doc);
              }
            });
  }

  private static String type(JsonNode s) {
    String type = s.path("type").asText();
    return "array".equals(type) ? "array of " + s.path("items").path("type").asText() : type;
  }

  private static String limits(JsonNode s) {
    List<String> limits = new ArrayList<>();
    if (s.has("enum")) {
      List<String> values = new ArrayList<>();
      s.get("enum").forEach(v -> values.add(v.asText()));
      limits.add("one of " + String.join(", ", values));
    }
    if (s.has("minimum") || s.has("maximum")) {
      limits.add(s.path("minimum").asLong() + " to " + s.path("maximum").asLong());
    }
    if (s.has("minItems") || s.has("maxItems")) {
      limits.add(
          (s.has("minItems") ? s.get("minItems").asInt() + " to " : "up to ")
              + s.path("maxItems").asInt()
              + " items");
    }
    if (s.has("pattern") || s.path("items").has("pattern")) {
      limits.add("pattern");
    }
    return String.join("; ", limits);
  }
}
