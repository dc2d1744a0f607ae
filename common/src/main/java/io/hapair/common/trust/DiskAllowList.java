package io.hapair.common.trust;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The disks an installation lets a HAPair name (design note 0007). Two kinds of entry:
 *
 * <ul>
 *   <li>a directory, written with a trailing slash ({@code /var/lib/hapair/disks/}): files below
 *       it; links there may not lead out of it;
 *   <li>a glob ({@code /dev/disk/by-id/wwn-*}, {@code /dev/nvme1n1}), java.nio syntax ({@code *}
 *       within one path segment, {@code **} across segments).
 * </ul>
 *
 * <p>A disk's path is normalised ({@code .} and {@code ..} removed) before it is matched, so {@code
 * /dev/disk/by-id/../../sda} is {@code /dev/sda}. On the node, {@link #resolve} also follows
 * symlinks, and the real path must be allowed on its own: it matches an entry itself, or both the
 * named path and its target are under the device directory ({@code /dev}, where only the kernel and
 * udev make links, as {@code /dev/disk/by-id/*} to {@code /dev/sdb}).
 */
public final class DiskAllowList {
  private record Entry(String text, Path directory, PathMatcher glob) {
    boolean matches(Path normalised) {
      return directory != null ? normalised.startsWith(directory) : glob.matches(normalised);
    }
  }

  private final List<Entry> entries;
  private final Path deviceDir;

  private DiskAllowList(List<Entry> entries, Path deviceDir) {
    this.entries = entries;
    this.deviceDir = deviceDir;
  }

  /**
   * @param entries absolute paths, normalised; a trailing slash marks a directory
   * @throws IllegalArgumentException for an entry that is relative or not normalised
   */
  public static DiskAllowList of(List<String> entries) {
    return of(entries, Path.of("/dev"));
  }

  /** As {@link #of(List)}, with another device directory (tests). */
  public static DiskAllowList of(List<String> entries, Path deviceDir) {
    List<Entry> parsed = new ArrayList<>();
    for (String text : entries) {
      String trimmed = text.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      Path path = Path.of(trimmed);
      if (!path.isAbsolute() || !path.normalize().equals(path) || trimmed.contains("//")) {
        throw new IllegalArgumentException(
            "allowed disk \"" + text + "\": must be an absolute, normalised path or glob");
      }
      parsed.add(
          trimmed.endsWith("/")
              ? new Entry(trimmed, path, null)
              : new Entry(trimmed, null, FileSystems.getDefault().getPathMatcher("glob:" + path)));
    }
    return new DiskAllowList(List.copyOf(parsed), deviceDir.normalize());
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The entries as given, for messages and logs. */
  public List<String> entries() {
    return entries.stream().map(Entry::text).toList();
  }

  /**
   * Why {@code disk} is refused judging by its path alone (what the operator can check), or empty.
   */
  public Optional<String> refusal(String disk) {
    if (entries.isEmpty()) {
      return Optional.of("no disk is allowed: this installation's allowed-disk list is empty");
    }
    Path path;
    try {
      path = Path.of(disk);
    } catch (IllegalArgumentException e) {
      return Optional.of("\"" + disk + "\" is not a path: " + e.getMessage());
    }
    if (!path.isAbsolute()) {
      return Optional.of("\"" + disk + "\" is not an absolute path");
    }
    Path normalised = path.normalize();
    if (entries.stream().noneMatch(e -> e.matches(normalised))) {
      return Optional.of(
          (normalised.toString().equals(disk) ? disk : disk + " (that is " + normalised + ")")
              + " is outside the disks this installation allows "
              + entries());
    }
    return Optional.empty();
  }

  /**
   * The path to open for {@code disk} on this node: its real path, once the named path and the real
   * one are both allowed.
   *
   * @throws DiskNotAllowedException when either is refused
   * @throws IOException when the disk cannot be resolved (it does not exist)
   */
  public Path resolve(String disk) throws IOException {
    Optional<String> refused = refusal(disk);
    if (refused.isPresent()) {
      throw new DiskNotAllowedException(refused.get());
    }
    Path named = Path.of(disk).normalize();
    Path real = named.toRealPath();
    if (Files.isDirectory(real)) {
      throw new DiskNotAllowedException(disk + " is a directory, not a disk");
    }
    if (real.equals(named) || realPathAllowed(real) || deviceLink(named, real)) {
      return real;
    }
    throw new DiskNotAllowedException(
        disk + " leads to " + real + ", which is outside the disks this installation allows");
  }

  private boolean realPathAllowed(Path real) {
    for (Entry entry : entries) {
      if (entry.directory() != null) {
        // The directory itself may be a link (/var/lib/hapair -> /srv/hapair): compare real paths.
        try {
          if (real.startsWith(entry.directory().toRealPath())) {
            return true;
          }
        } catch (IOException e) {
          // a directory that does not exist holds no disk
        }
      } else if (entry.glob().matches(real)) {
        return true;
      }
    }
    return false;
  }

  private boolean deviceLink(Path named, Path real) {
    return named.startsWith(deviceDir) && real.startsWith(deviceDir);
  }

  /** A disk outside the allow-list. */
  public static final class DiskNotAllowedException extends IOException {
    public DiskNotAllowedException(String message) {
      super(message);
    }
  }
}
