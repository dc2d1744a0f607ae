package io.hapair.agent.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** What is mounted where, from /proc/self/mountinfo. */
public final class Mounts {
  private final Path mountinfo;

  public Mounts() {
    this(Path.of("/proc/self/mountinfo"));
  }

  Mounts(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  /** The source (device) mounted at {@code path}, if {@code path} is a mount point. */
  public Optional<String> sourceAt(Path path) throws IOException {
    String target = path.toAbsolutePath().normalize().toString();
    Optional<String> found = Optional.empty();
    for (String line : Files.readAllLines(mountinfo)) {
      // id parent major:minor root mountpoint options [optional...] - type source superoptions
      String[] f = line.split(" ");
      int dash = Arrays.asList(f).indexOf("-");
      if (f.length > 4 && dash > 0 && dash + 2 < f.length && unescape(f[4]).equals(target)) {
        found = Optional.of(unescape(f[dash + 2])); // the last one mounted there is what is seen
      }
    }
    return found;
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
