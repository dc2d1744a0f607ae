package io.hapair.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The build fails when crds/ or the reference doc no longer match the api classes. `make crds`
 * regenerates both.
 */
class CrdIsUpToDateTest {

  @Test
  void checkedInCrdMatchesTheApiClasses() throws IOException {
    String expected = CheckedInCrd.render(ProjectFiles.readYaml(ProjectFiles.GENERATED_CRD));
    if (Boolean.getBoolean("hapair.updateCrds")) {
      Files.createDirectories(ProjectFiles.CHECKED_IN_CRD.getParent());
      Files.writeString(ProjectFiles.CHECKED_IN_CRD, expected);
    }
    assertThat(ProjectFiles.CHECKED_IN_CRD).exists();
    assertThat(Files.readString(ProjectFiles.CHECKED_IN_CRD))
        .as("crds/ is stale: run `make crds` and commit the result")
        .isEqualTo(expected);
  }

  @Test
  void referenceDocMatchesTheCrd() throws IOException {
    String expected = ReferenceDoc.render(ProjectFiles.readYaml(ProjectFiles.CHECKED_IN_CRD));
    if (Boolean.getBoolean("hapair.updateCrds")) {
      Files.createDirectories(ProjectFiles.REFERENCE_DOC.getParent());
      Files.writeString(ProjectFiles.REFERENCE_DOC, expected);
    }
    assertThat(Files.readString(ProjectFiles.REFERENCE_DOC))
        .as("docs/reference/hapair.md is stale: run `make crds` and commit the result")
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
