package io.hapair.common;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The real NBD client of the tests: {@code qemu-io -f raw URI -c ...}, bounded in time, with
 * qemu-io's stdout and stderr in every failure message. Offsets and lengths are qemu-io's own
 * notation ({@code 0}, {@code 64k}, {@code 1M}); a read with a pattern verifies every byte.
 */
public final class QemuIo {
  /** Long enough for 8 MiB through a replicated volume on a loaded 2-core machine. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final ExecutorService DRAINERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "qemu-io-output");
            t.setDaemon(true);
            return t;
          });

  /** What one qemu-io run printed and how it ended. */
  public record Result(List<String> argv, int exit, String stdout, String stderr) {
    /**
     * Whether every command succeeded: qemu-io exits non-zero when a command fails (including a
     * pattern mismatch), and prints "failed" for errors it only reports.
     */
    public boolean ok() {
      return exit == 0 && !stdout.contains("failed") && !stderr.contains("failed");
    }

    public Result orFail() {
      if (!ok()) {
        throw new AssertionError(this.toString());
      }
      return this;
    }

    @Override
    public String toString() {
      return String.join(" ", argv)
          + " exited "
          + exit
          + "\nstdout: "
          + stdout.strip()
          + "\nstderr: "
          + stderr.strip();
    }
  }

  private QemuIo() {}

  /**
   * Writes {@code length} bytes of {@code pattern} at {@code offset}; fails unless it succeeded.
   */
  public static void write(String uri, int pattern, String offset, String length) {
    run(uri, writeCommand(pattern, offset, length)).orFail();
  }

  /** Reads {@code length} bytes at {@code offset}; fails unless every byte is {@code pattern}. */
  public static void read(String uri, int pattern, String offset, String length) {
    run(uri, readCommand(pattern, offset, length)).orFail();
  }

  /** Whether the range reads back as {@code pattern} now (for waiting on a condition). */
  public static boolean reads(String uri, int pattern, String offset, String length) {
    return run(uri, readCommand(pattern, offset, length)).ok();
  }

  public static String writeCommand(int pattern, String offset, String length) {
    return String.format("write -P 0x%02x %s %s", pattern, offset, length);
  }

  public static String readCommand(int pattern, String offset, String length) {
    return String.format("read -P 0x%02x %s %s", pattern, offset, length);
  }

  /** Runs qemu-io commands in one connection, in order; the result is the caller's to judge. */
  public static Result run(String uri, String... commands) {
    return run(TIMEOUT, uri, commands);
  }

  public static Result run(Duration timeout, String uri, String... commands) {
    return run(timeout, List.of("-f", "raw", uri), commands);
  }

  /**
   * Runs qemu-io with its image given by {@code image} (for example {@code --object
   * tls-creds-x509,... --image-opts driver=nbd,...}) instead of a plain URI.
   */
  public static Result run(Duration timeout, List<String> image, String... commands) {
    List<String> argv = new ArrayList<>(List.of("qemu-io"));
    argv.addAll(image);
    for (String command : commands) {
      argv.add("-c");
      argv.add(command);
    }
    Process process;
    try {
      process =
          new ProcessBuilder(argv)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + argv + " (is qemu-utils installed?)", e);
    }
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", argv)
                + " still running after "
                + timeout
                + "\nstderr so far: "
                + stderr.getNow(""));
      }
      return new Result(
          argv,
          process.exitValue(),
          stdout.get(5, TimeUnit.SECONDS),
          stderr.get(5, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("could not read the output of " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + argv, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        },
        DRAINERS);
  }
}
