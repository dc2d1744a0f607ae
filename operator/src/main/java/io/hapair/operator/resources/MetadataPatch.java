package io.hapair.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * A JSON merge patch of labels or annotations, in one request without a read first. A null value
 * removes the key; the JSON is written by a plain Jackson mapper because fabric8's leaves null map
 * values out, which would turn a removal into no change.
 */
public final class MetadataPatch {
  public static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
  private static final ObjectMapper JSON = new ObjectMapper();

  private MetadataPatch() {}

  /** {@code field} is "labels" or "annotations". */
  public static String of(String field, Map<String, ?> values) {
    try {
      return JSON.writeValueAsString(Map.of("metadata", Map.of(field, values)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
