package io.hapair.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's demo as tests: real agents, witness and client in network namespaces, one fault
 * each, the client's history checked, the virtual IP on exactly the expected node, the disks
 * identical when both agents survive. Needs root.
 */
class FailoverDemoIT {
  private static final Path DEMO = Path.of("demo/demo.sh").toAbsolutePath();

  private static boolean root() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    id.waitFor(5, TimeUnit.SECONDS);
    return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .trim()
        .equals("0");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "kill, took over from node-a as primary of epoch 2",
    "stop, stepped down to secondary",
    "partition-peer, node-b recorded as outdated",
    "link-down, took over from node-a as primary of epoch 2",
    "partition-witness, result (partition-witness): no acknowledged write lost",
    "witness-killed, result (witness-killed): no acknowledged write lost",
    "one-way, node-b recorded as outdated",
    "loss, result (loss): no acknowledged write lost",
    "qemu-reconnect, qemu-io across the failover: yes",
    "partition-both, stepped down to secondary",
    "witness-rollback, ALARM the witness record is at epoch 1, older than epoch 2",
    "loss-link, result (loss-link): no acknowledged write lost",
    "resync-restart, refusing to promote a disk that is INCONSISTENT",
    "switchover, took the handed-over role, primary of epoch 2",
    "failback, took the handed-over role, primary of epoch 3",
    "health-check, took the handed-over role, primary of epoch 2",
    "track-link, took the handed-over role, primary of epoch 2",
    "kill-ipv6, took [fd00:db8:0:0:0:0:0:100/64 on eth0]",
    "kill-vmac, names node-b (00:00:5e:00:01:33, the virtual MAC)"
  })
  void noAcknowledgedWriteIsLost(String scenario, String expectedEvent) throws Exception {
    // A tier that cannot run must fail, not skip: CI runs as root, and so must a developer.
    assertThat(root()).as("the e2e demo creates network namespaces: run as root").isTrue();
    Process demo = new ProcessBuilder(DEMO.toString(), scenario).redirectErrorStream(true).start();
    // The output is read on its own thread so that the timeout below bounds the whole run.
    CompletableFuture<String> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (var in = demo.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "(output unreadable: " + e + ")";
              }
            });
    boolean ended = demo.waitFor(300, TimeUnit.SECONDS);
    if (!ended) {
      demo.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String output = read.get(30, TimeUnit.SECONDS);
    System.out.println(output);

    assertThat(ended).as("demo finished").isTrue();
    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(output)
        .contains(expectedEvent)
        .containsPattern("history check[a-z. ]*: [1-9][0-9]* acknowledged blocks, 0 lost or stale")
        .contains("wire checks: yes");
  }
}
