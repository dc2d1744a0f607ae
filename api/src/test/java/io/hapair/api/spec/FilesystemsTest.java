package io.hapair.api.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.FilesystemSpec;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilesystemsTest {
  private static FilesystemSpec fs(String path, String options) {
    FilesystemSpec fs = new FilesystemSpec();
    fs.setType(FilesystemSpec.Type.xfs);
    fs.setMountPath(path);
    fs.setMountOptions(options);
    return fs;
  }

  @Test
  void aPlainPathAndOptionsPass() {
    assertThat(Filesystems.check("spec.filesystem", fs("/var/lib/postgresql", "noatime,nodev")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"relative", "/srv/", "//srv", "/srv/../etc", "/srv/./x", "/a b", "/"})
  void aPathThatIsNotPlainAndAbsoluteIsRefused(String path) {
    assertThat(Filesystems.check("spec.filesystem", fs(path, null)))
        .extracting(Filesystems.Problem::field, Filesystems.Problem::reason)
        .containsExactly(Tuple.tuple("spec.filesystem.mountPath", "InvalidPath"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw,", "a b", "x;reboot", "$(id)", ""})
  void optionsWithShellOrEmptyPartsAreRefused(String options) {
    assertThat(Filesystems.check("spec.filesystem", fs("/srv", options)))
        .extracting(Filesystems.Problem::reason)
        .containsExactly("InvalidOptions");
  }

  @Test
  void aMissingTypeAndPathAreNamed() {
    assertThat(Filesystems.check("spec.serviceGroups[1].filesystem", new FilesystemSpec()))
        .extracting(Filesystems.Problem::field)
        .containsExactly(
            "spec.serviceGroups[1].filesystem.type", "spec.serviceGroups[1].filesystem.mountPath");
  }
}
