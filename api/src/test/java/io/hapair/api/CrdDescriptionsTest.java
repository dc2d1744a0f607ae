package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kubectl explain shows the descriptions: every field of spec and status needs one. */
class CrdDescriptionsTest {

  @Test
  void everyFieldHasADescription() {
    JsonNode schema =
        ProjectFiles.readYaml(ProjectFiles.CHECKED_IN_CRD)
            .at("/spec/versions/0/schema/openAPIV3Schema/properties");
    List<String> undescribed = new ArrayList<>();
    collectUndescribed(schema.get("spec"), "spec", undescribed);
    collectUndescribed(schema.get("status"), "status", undescribed);
    assertThat(undescribed).isEmpty();
  }

  private static void collectUndescribed(JsonNode schema, String path, List<String> out) {
    if (!schema.hasNonNull("description") || schema.get("description").asText().isBlank()) {
      out.add(path);
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(p -> collectUndescribed(p.getValue(), path + "." + p.getKey(), out));
    JsonNode items = schema.path("items");
    if (items.has("properties")) {
      items
          .get("properties")
          .fields()
          .forEachRemaining(p -> collectUndescribed(p.getValue(), path + "[]." + p.getKey(), out));
    }
  }
}
