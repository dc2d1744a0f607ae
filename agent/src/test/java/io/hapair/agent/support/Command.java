package io.hapair.agent.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a real program (an NBD client, ip, nft) with a time bound and captures its output. */
public final class Command {
  public record Result(int exit, String stdout, String stderr) {
    public Result orFail() {
      if (exit != 0) {
        throw new AssertionError("exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  private static final ExecutorService DRAINERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "command-output");
            t.setDaemon(true);
            return t;
          });

  private Command() {}

  public static Result run(Duration timeout, String... command) {
    return run(timeout, List.of(command));
  }

  public static Result run(Duration timeout, List<String> command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      var out = process.getInputStream();
      var err = process.getErrorStream();
      var stdout = CompletableFuture.supplyAsync(() -> readAll(out), DRAINERS);
      var stderr = CompletableFuture.supplyAsync(() -> readAll(err), DRAINERS);
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " still running after " + timeout);
      }
      return new Result(
          process.exitValue(), stdout.get(5, TimeUnit.SECONDS), stderr.get(5, TimeUnit.SECONDS));
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new AssertionError("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether a program is installed (tests that need it say so clearly when it is not). */
  public static boolean installed(String program) {
    return run(Duration.ofSeconds(5), "sh", "-c", "command -v " + program).exit() == 0;
  }
}
