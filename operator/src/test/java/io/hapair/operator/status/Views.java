package io.hapair.operator.status;

import java.util.Arrays;
import java.util.List;

/** Group and pair views written as short strings, for the rule tables. */
final class Views {
  private Views() {}

  /**
   * A group as {@code "<primary|-> <epoch> <S|-> <C|-> <outOfSyncBytes>"}: S for split brain, C for
   * connected at the group's epoch.
   */
  static GroupView group(String name, String spec) {
    String[] f = spec.trim().split("\\s+");
    return new GroupView(
        name,
        f[0].equals("-") ? null : f[0],
        Long.parseLong(f[1]),
        f[2].equals("S"),
        f[3].equals("C"),
        Long.parseLong(f[4]),
        null);
  }

  /** A pair whose groups are separated by {@code |}; empty: no groups. */
  static PairView pair(boolean reported, String groups) {
    String[] specs = groups.isBlank() ? new String[0] : groups.split("\\|");
    List<GroupView> views = Arrays.stream(specs).map(s -> group("g" + s.hashCode(), s)).toList();
    return new PairView(reported, views);
  }
}
