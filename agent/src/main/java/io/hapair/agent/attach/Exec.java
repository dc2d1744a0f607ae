package io.hapair.agent.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host command (never through a shell: every argument is passed as is) with a bound on its
 * time; a command that outlives it is killed and reported as such.
 */
public final class Exec {
  private Exec() {}

  /** How a command ended: its exit code and its output (stdout and stderr, trimmed). */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  public static Result run(Duration timeout, List<String> argv) throws IOException {
    Path out = Files.createTempFile("hapair-exec", ".out");
    try {
      Process process =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      boolean ended;
      try {
        ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException(argv.get(0) + " interrupted");
      }
      if (!ended) {
        process.destroyForcibly();
        throw new IOException(
            String.join(" ", argv) + " did not finish within " + timeout.toMillis() + " ms");
      }
      String output = Files.readString(out, StandardCharsets.UTF_8).trim();
      return new Result(process.exitValue(), output);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  public static Result run(Duration timeout, String... argv) throws IOException {
    return run(timeout, List.of(argv));
  }

  /** Runs the command and returns its output, or throws with its exit code and output. */
  public static String check(Duration timeout, String... argv) throws IOException {
    Result r = run(timeout, argv);
    if (!r.ok()) {
      throw new IOException(
          String.join(" ", argv) + " failed (exit " + r.exit() + "): " + firstLines(r.output()));
    }
    return r.output();
  }

  /** Whether {@code program} is an executable on the PATH (or an absolute path). */
  public static boolean onPath(String program) {
    if (program.startsWith("/")) {
      return Files.isExecutable(Path.of(program));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static String firstLines(String output) {
    String[] lines = output.split("\n");
    return String.join(" | ", List.of(lines).subList(0, Math.min(3, lines.length)));
  }
}
