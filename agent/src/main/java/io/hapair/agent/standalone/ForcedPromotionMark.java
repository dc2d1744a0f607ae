package io.hapair.agent.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The epoch a person forced this node primary of while its agent was stopped, kept in the state
 * directory until the agent next starts: the statement that lets the started agent lead without its
 * peer's word (see {@link StartRole}).
 */
final class ForcedPromotionMark {
  private ForcedPromotionMark() {}

  private static Path file(Path stateDir, String group) {
    return stateDir.resolve(group + ".forced-epoch");
  }

  /** Records the statement (written whole: a torn file must never read as an epoch). */
  static void write(Path stateDir, String group, long epoch) throws IOException {
    Files.createDirectories(stateDir);
    Path target = file(stateDir, group);
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(temporary, Long.toString(epoch), StandardCharsets.US_ASCII);
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The recorded epoch, 0 when none; the mark is used once, so it is removed. */
  static long take(Path stateDir, String group) throws IOException {
    Path mark = file(stateDir, group);
    if (!Files.exists(mark)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(mark, StandardCharsets.US_ASCII).trim());
    } catch (NumberFormatException e) {
      return 0;
    } finally {
      Files.delete(mark);
    }
  }
}
