package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.LinkState;
import io.hapair.api.v1alpha1.NodeDiskState;
import io.hapair.api.v1alpha1.NodeRole;
import io.hapair.api.v1alpha1.SyncState;
import io.hapair.api.v1alpha1.WireValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The API server accepts exactly the values the shared enums name, in both CRDs. */
class VocabularyTest {

  static Stream<Arguments> enumFields() {
    String pair = "/spec/versions/0/schema/openAPIV3Schema/properties/status/properties";
    return Stream.of(
        Arguments.of("pair", pair + "/phase", HAPairStatus.Phase.class),
        Arguments.of(
            "pair", pair + "/serviceGroups/items/properties/phase", HAPairStatus.Phase.class),
        Arguments.of("pair", pair + "/sync", SyncState.class),
        Arguments.of("pair", pair + "/nodes/items/properties/role", NodeRole.class),
        Arguments.of("pair", pair + "/nodes/items/properties/diskState", NodeDiskState.class),
        Arguments.of("pair", pair + "/nodes/items/properties/connection", LinkState.class),
        Arguments.of("node", pair + "/groups/items/properties/role", NodeRole.class),
        Arguments.of("node", pair + "/groups/items/properties/diskState", NodeDiskState.class),
        Arguments.of("node", pair + "/groups/items/properties/connection", LinkState.class));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("enumFields")
  void theSchemaListsExactlyTheEnumsValues(
      String crd, String field, Class<? extends Enum<?>> type) {
    JsonNode schema =
        ProjectFiles.readYaml(
                crd.equals("pair") ? ProjectFiles.CHECKED_IN_CRD : ProjectFiles.CHECKED_IN_NODE_CRD)
            .at(field);
    List<String> listed = new ArrayList<>();
    schema.path("enum").forEach(v -> listed.add(v.asText()));
    assertThat(listed)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
  }

  @Test
  void aValueThisVersionDoesNotKnowReadsAsAbsentInsteadOfFailingTheObject() {
    // An older operator wrote "Error: ..." as a node's connection.
    HAPairStatus status =
        Serialization.unmarshal(
            "{\"sync\":\"Synced\",\"nodes\":[{\"name\":\"node-a\",\"connection\":\"Error: no disk\","
                + "\"role\":\"Primary\",\"diskState\":\"Diskless\"}]}",
            HAPairStatus.class);
    assertThat(status.getSync()).isNull();
    assertThat(status.getNodes().get(0).getConnection()).isNull();
    assertThat(status.getNodes().get(0).getDiskState()).isNull();
    assertThat(status.getNodes().get(0).getRole()).isEqualTo(NodeRole.Primary);
  }

  @Test
  void everyValueWritesItsOwnName() {
    assertThat(Serialization.asJson(LinkState.SyncTarget)).isEqualTo("\"SyncTarget\"");
    assertThat(WireValue.parse(LinkState.class, "SyncTarget")).isEqualTo(LinkState.SyncTarget);
  }
}
