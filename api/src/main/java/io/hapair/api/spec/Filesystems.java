package io.hapair.api.spec;

import io.hapair.api.v1alpha1.FilesystemSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks of a group's filesystem that the operator and the standalone agent both make (a CRD
 * may be installed without its schema, and a standalone file has none).
 */
public final class Filesystems {
  private static final Pattern MOUNT_PATH = Pattern.compile(FilesystemSpec.MOUNT_PATH);
  private static final Pattern MOUNT_OPTIONS = Pattern.compile(FilesystemSpec.MOUNT_OPTIONS);

  private Filesystems() {}

  /** One problem: the field it is about, a CamelCase reason and the detail. */
  public record Problem(String field, String reason, String detail) {}

  /**
   * @param field the filesystem's place in the spec, e.g. "spec.filesystem"
   */
  public static List<Problem> check(String field, FilesystemSpec fs) {
    List<Problem> problems = new ArrayList<>();
    if (fs == null) {
      return problems;
    }
    if (fs.getType() == null) {
      problems.add(new Problem(field + ".type", "Missing", "a filesystem type is required"));
    }
    String path = fs.getMountPath();
    if (path == null || path.isBlank()) {
      problems.add(new Problem(field + ".mountPath", "Missing", "a mount path is required"));
    } else if (!MOUNT_PATH.matcher(path).matches() || hasDotPart(path) || path.length() > 4096) {
      problems.add(
          new Problem(
              field + ".mountPath",
              "InvalidPath",
              "\""
                  + path
                  + "\" must be an absolute path without \".\" or \"..\" parts, spaces or a"
                  + " trailing slash"));
    }
    String options = fs.getMountOptions();
    if (options != null && (!MOUNT_OPTIONS.matcher(options).matches() || options.length() > 256)) {
      problems.add(
          new Problem(
              field + ".mountOptions",
              "InvalidOptions",
              "\"" + options + "\" must be comma-separated options of letters, digits and _.=:/-"));
    }
    return problems;
  }

  private static boolean hasDotPart(String path) {
    for (String part : path.split("/")) {
      if (part.equals(".") || part.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
