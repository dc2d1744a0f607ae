package io.hapair.agent.fs;

import io.hapair.api.spec.Filesystems;
import io.hapair.api.v1alpha1.FilesystemSpec;
import java.nio.file.Path;
import java.util.List;

/** A group's checked filesystem spec. */
public record FilesystemPlan(
    FilesystemSpec.Type type, Path mountPath, String mountOptions, boolean formatIfBlank) {

  /**
   * @throws IllegalArgumentException naming the field, when the spec is not usable
   */
  public static FilesystemPlan of(String field, FilesystemSpec spec) {
    List<Filesystems.Problem> problems = Filesystems.check(field, spec);
    if (!problems.isEmpty()) {
      Filesystems.Problem p = problems.get(0);
      throw new IllegalArgumentException(p.field() + ": " + p.detail());
    }
    return new FilesystemPlan(
        spec.getType(),
        Path.of(spec.getMountPath()),
        spec.getMountOptions(),
        spec.getFormat() == FilesystemSpec.Format.IfBlank);
  }
}
