package io.hapair.agent.witness;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.hapair.api.witness.WitnessLease;
import io.hapair.common.Daemons;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The witness record in a Kubernetes Lease (see {@link WitnessLease}). A read is a GET from the API
 * server, never an informer's cache; a compare-and-swap is an update carrying the resourceVersion
 * of the record it replaces, so the API server answers 409 if anyone changed it in between. The
 * client given must not retry on its own; each call has a deadline, and a call that misses it, or
 * loses its connection, is {@link OutcomeUnknownException}. An agent never creates the Lease: a
 * deleted record stops automation instead of restarting at epoch 0.
 */
public final class KubernetesArbiter implements Arbiter {
  private final NonNamespaceOperation<Lease, LeaseList, Resource<Lease>> leases;
  private final String leaseName;
  private final String description;
  private final Duration timeout;
  private final ExecutorService calls;

  public KubernetesArbiter(
      KubernetesClient client, String namespace, String leaseName, Duration timeout) {
    this.leases = client.leases().inNamespace(namespace);
    this.leaseName = leaseName;
    this.description = "Lease " + namespace + "/" + leaseName;
    this.timeout = timeout;
    this.calls = Executors.newCachedThreadPool(Daemons.named("witness-lease " + leaseName));
  }

  @Override
  public CompletableFuture<WitnessRecord> read() {
    return call(() -> recordOf(get()));
  }

  @Override
  public CompletableFuture<WitnessRecord> compareAndSwap(
      WitnessRecord expected, WitnessRecord next) {
    return call(
        () -> {
          if (expected.version() == null || expected.version().isEmpty()) {
            throw new ConflictException(description + ": the expected record was never read");
          }
          Lease current = get();
          if (!expected.version().equals(current.getMetadata().getResourceVersion())) {
            throw new ConflictException(description + " changed since it was read");
          }
          Lease replacement =
              WitnessLease.write(
                  current,
                  new WitnessLease.Fields(
                      next.pairUid(), next.epoch(), next.primary(), next.upToDate(), null));
          try {
            return recordOf(leases.resource(replacement).update());
          } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
              throw new ConflictException(description + " changed since it was read (409)");
            }
            throw e;
          }
        });
  }

  private Lease get() {
    Lease found = leases.withName(leaseName).get();
    if (found == null) {
      throw new IllegalStateException(
          description + " does not exist: the operator creates it, an agent never does");
    }
    return found;
  }

  private static WitnessRecord recordOf(Lease lease) {
    WitnessLease.Fields f = WitnessLease.read(lease);
    return new WitnessRecord(f.pairUid(), f.epoch(), f.primary(), f.upToDate(), f.version());
  }

  /** Runs one request with the deadline; no answer within it means the outcome is unknown. */
  private CompletableFuture<WitnessRecord> call(Supplier<WitnessRecord> request) {
    return CompletableFuture.supplyAsync(request, calls)
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (record, failure) -> {
              if (failure == null) {
                return record;
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof TimeoutException) {
                throw new OutcomeUnknownException(
                    description + ": no answer within " + timeout.toMillis() + " ms");
              }
              if (cause instanceof KubernetesClientException k && k.getCode() == 0) {
                // No HTTP status: the request may or may not have reached the API server.
                throw new OutcomeUnknownException(description + ": " + k.getMessage());
              }
              throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
            });
  }
}
