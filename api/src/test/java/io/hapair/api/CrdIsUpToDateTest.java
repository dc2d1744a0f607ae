package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build fails when crds/ or the reference doc no longer match the api classes. `make crds`
 * regenerates both.
 */
class CrdIsUpToDateTest {

  @Test
  void checkedInCrdMatchesTheApiClasses() throws IOException {
    assertUpToDate(ProjectFiles.GENERATED_CRD, ProjectFiles.CHECKED_IN_CRD, HAPair.class);
  }

  @Test
  void checkedInNodeCrdMatchesTheApiClasses() throws IOException {
    assertUpToDate(
        ProjectFiles.GENERATED_NODE_CRD, ProjectFiles.CHECKED_IN_NODE_CRD, HAPairNode.class);
  }

  private static void assertUpToDate(Path generated, Path checkedIn, Class<?> kind)
      throws IOException {
    String expected = CheckedInCrd.render(ProjectFiles.readYaml(generated), kind);
    if (Boolean.getBoolean("hapair.updateCrds")) {
      Files.createDirectories(checkedIn.getParent());
      Files.writeString(checkedIn, expected);
    }
    assertThat(checkedIn).exists();
    assertThat(Files.readString(checkedIn))
        .as("crds/ is stale: run `make crds` and commit the result")
        .isEqualTo(expected);
  }

  @Test
  void referenceDocMatchesTheCrd() throws IOException {
    assertDocUpToDate(
        ProjectFiles.GENERATED_CRD, HAPair.class, "", References.PAIR, ProjectFiles.REFERENCE_DOC);
  }

  @Test
  void nodeReferenceDocMatchesTheCrd() throws IOException {
    assertDocUpToDate(
        ProjectFiles.GENERATED_NODE_CRD,
        HAPairNode.class,
        References.NODE_INTRO,
        References.NODE,
        ProjectFiles.NODE_REFERENCE_DOC);
  }

  private static void assertDocUpToDate(
      Path generated, Class<?> kind, String intro, List<ReferenceDoc.Values> vocabulary, Path doc)
      throws IOException {
    // From the CRD as generated now, so that one `make crds` updates both files.
    String expected =
        ReferenceDoc.render(
            ProjectFiles.YAML.readTree(CheckedInCrd.render(ProjectFiles.readYaml(generated), kind)),
            intro,
            vocabulary);
    if (Boolean.getBoolean("hapair.updateCrds")) {
      Files.createDirectories(doc.getParent());
      Files.writeString(doc, expected);
    }
    assertThat(doc).exists();
    assertThat(Files.readString(doc))
        .as(ProjectFiles.ROOT.relativize(doc) + " is stale: run `make crds` and commit the result")
        .isEqualTo(expected);
  }

  @Test
  void printerColumnsAreInTheOrderKubectlShouldShow() {
    assertThat(
            ProjectFiles.readYaml(ProjectFiles.CHECKED_IN_CRD)
                .at("/spec/versions/0/additionalPrinterColumns"))
        .extracting(column -> column.get("name").asText())
        .containsExactly("Primary", "VIP", "Sync", "Phase", "Age");
  }
}
