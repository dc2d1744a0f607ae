package io.hapair.agent.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.Daemons;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The witness record in a Lease on fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class KubernetesArbiterIT {
  static final String NS = "hapair-system";
  static final String LEASE = WitnessLease.name("default", "db", "db");
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void createTheRecord() {
    client
        .leases()
        .resource(WitnessLease.initial(NS, "default", "db", "uid-1", "db", Set.of("a", "b")))
        .create();
  }

  /** Everything below relies on this: the mock, like an API server, refuses a stale update. */
  @Test
  void theMockAnswersAStaleResourceVersionWith409() {
    Lease read = client.leases().inNamespace(NS).withName(LEASE).get();
    Lease first = new LeaseBuilder(read).build();
    first.getSpec().setHolderIdentity("a");
    client.leases().resource(first).update();

    Lease stale = new LeaseBuilder(read).build();
    stale.getSpec().setHolderIdentity("b");
    assertThatThrownBy(() -> client.leases().resource(stale).update())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void readsTheRecordTheOperatorCreated() throws Exception {
    WitnessRecord record = new KubernetesArbiter(client, NS, LEASE, TIMEOUT).read().get();
    assertThat(record.pairUid()).isEqualTo("uid-1");
    assertThat(record.epoch()).isZero();
    assertThat(record.primary()).isEmpty();
    assertThat(record.upToDate()).containsExactlyInAnyOrder("a", "b");
    assertThat(record.version()).isNotEmpty();
  }

  @Test
  void swapsOnlyTheRecordItRead() throws Exception {
    KubernetesArbiter arbiter = new KubernetesArbiter(client, NS, LEASE, TIMEOUT);
    WitnessRecord read = arbiter.read().get();

    WitnessRecord promoted = arbiter.compareAndSwap(read, read.promoted("a")).get();
    assertThat(promoted.epoch()).isEqualTo(1);
    assertThat(promoted.primary()).isEqualTo("a");
    assertThat(promoted.upToDate()).containsExactly("a");
    assertThat(promoted.version()).isNotEqualTo(read.version());
    Lease stored = client.leases().inNamespace(NS).withName(LEASE).get();
    assertThat(stored.getSpec().getHolderIdentity()).isEqualTo("a");
    assertThat(stored.getMetadata().getAnnotations()).containsEntry(WitnessLease.EPOCH, "1");

    assertThatThrownBy(() -> arbiter.compareAndSwap(read, read.promoted("b")).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ConflictException.class);
    assertThat(arbiter.read().get().primary()).isEqualTo("a");
  }

  @Test
  void twoAgentsRacingForTheRecordHaveOneWinner() throws Exception {
    for (int round = 0; round < 10; round++) {
      List<KubernetesClient> clients = List.of(newClient(), newClient());
      try {
        KubernetesArbiter a = new KubernetesArbiter(clients.get(0), NS, LEASE, TIMEOUT);
        KubernetesArbiter b = new KubernetesArbiter(clients.get(1), NS, LEASE, TIMEOUT);
        WitnessRecord seenByA = a.read().get();
        WitnessRecord seenByB = b.read().get();
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<WitnessRecord> aWins =
            CompletableFuture.supplyAsync(() -> race(go, a, seenByA, "a"));
        CompletableFuture<WitnessRecord> bWins =
            CompletableFuture.supplyAsync(() -> race(go, b, seenByB, "b"));
        go.countDown();
        List<String> winners = new ArrayList<>();
        for (CompletableFuture<WitnessRecord> attempt : List.of(aWins, bWins)) {
          try {
            winners.add(attempt.get(10, TimeUnit.SECONDS).primary());
          } catch (ExecutionException e) {
            assertThat(e).hasRootCauseInstanceOf(ConflictException.class);
          }
        }
        assertThat(winners).hasSize(1);
        WitnessRecord after = a.read().get();
        assertThat(after.primary()).isEqualTo(winners.get(0));
        assertThat(after.epoch()).isEqualTo(seenByA.epoch() + 1);
      } finally {
        clients.forEach(KubernetesClient::close);
      }
    }
  }

  private static WitnessRecord race(
      CountDownLatch go, KubernetesArbiter arbiter, WitnessRecord seen, String node) {
    try {
      go.await();
      return arbiter.compareAndSwap(seen, seen.promoted(node)).join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aMissingLeaseIsAnErrorAndIsNotRecreated() {
    client.leases().inNamespace(NS).withName(LEASE).delete();
    KubernetesArbiter arbiter = new KubernetesArbiter(client, NS, LEASE, TIMEOUT);
    assertThatThrownBy(() -> arbiter.read().join())
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not exist");
    assertThat(client.leases().inNamespace(NS).withName(LEASE).get()).isNull();
  }

  @Test
  void anApiServerThatDoesNotAnswerIsAnUnknownOutcome() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new ArrayList<>();
      Thread acceptor =
          Daemons.start(
              "silent-api-server",
              () -> {
                try {
                  while (held.size() < 20) {
                    held.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      Config config =
          new ConfigBuilder()
              .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient mute = new KubernetesClientBuilder().withConfig(config).build()) {
        KubernetesArbiter arbiter = new KubernetesArbiter(mute, NS, LEASE, Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThatThrownBy(() -> arbiter.read().join())
            .hasCauseInstanceOf(OutcomeUnknownException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      }
      acceptor.interrupt();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).build())
        .build();
  }
}
