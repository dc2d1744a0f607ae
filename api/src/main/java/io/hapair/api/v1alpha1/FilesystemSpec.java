package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A filesystem on the group's volume, mounted on the primary only: attached as a local block device
 * (not through the virtual IP), checked, mounted before the start hooks run and the virtual IP is
 * taken; unmounted in the reverse order before the node gives up the role.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FilesystemSpec {

  /** An absolute path without "." or ".." parts, duplicate or trailing slashes. */
  public static final String MOUNT_PATH = "^(/[A-Za-z0-9._@+-]+)+$";

  /** Comma-separated mount options: no spaces, quotes or shell characters. */
  public static final String MOUNT_OPTIONS = "^[A-Za-z0-9_.=:/-]+(,[A-Za-z0-9_.=:/-]+)*$";

  @Required
  @JsonPropertyDescription("The filesystem type: ext4 or xfs.")
  private Type type;

  @Required
  @Pattern(MOUNT_PATH)
  @Size(max = 4096)
  @JsonPropertyDescription(
      "Where the filesystem is mounted on the primary: an existing directory that is not a mount"
          + " point.")
  private String mountPath;

  @Pattern(MOUNT_OPTIONS)
  @Size(max = 256)
  @JsonPropertyDescription("Mount options, comma-separated (mount -o), e.g. noatime.")
  private String mountOptions;

  @Default("Never")
  @JsonPropertyDescription(
      "Never (default): a blank volume is an error. IfBlank: create the filesystem when the volume"
          + " holds no signature at all (never over anything blkid or wipefs recognises).")
  private Format format;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public String getMountPath() {
    return mountPath;
  }

  public void setMountPath(String mountPath) {
    this.mountPath = mountPath;
  }

  public String getMountOptions() {
    return mountOptions;
  }

  public void setMountOptions(String mountOptions) {
    this.mountOptions = mountOptions;
  }

  public Format getFormat() {
    return format;
  }

  public void setFormat(Format format) {
    this.format = format;
  }

  public enum Type {
    ext4,
    xfs
  }

  public enum Format {
    IfBlank,
    Never
  }
}
