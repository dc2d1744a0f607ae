package io.hapair.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches every kind the operator and the agents write, in every namespace, for a whole test, and
 * checks each version written against {@link ApiServerRules}: the mock API server stores what a
 * real one refuses, so without this a too-long label passes every test and fails in production.
 * {@link #assertNone()} at the end of the test fails it with every violation seen.
 */
public final class ApiRulesWatch implements AutoCloseable {
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(HAPair.class, HAPairNode.class, Secret.class, Lease.class, Node.class);

  private final List<Watch> watches = new ArrayList<>();
  private final Set<String> violations = ConcurrentHashMap.newKeySet();

  private ApiRulesWatch() {}

  public static ApiRulesWatch start(KubernetesClient client) {
    ApiRulesWatch w = new ApiRulesWatch();
    for (Class<? extends HasMetadata> kind : KINDS) {
      w.watches.add(client.resources(kind).inAnyNamespace().watch(w.new Check<>()));
    }
    return w;
  }

  /** Checks one object now (for objects written before the watch started). */
  public void check(HasMetadata o) {
    violations.addAll(ApiServerRules.violations(o));
  }

  /** Fails with every violation seen so far. */
  public void assertNone() {
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "objects a real API server would refuse:\n  " + String.join("\n  ", violations));
    }
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }

  private final class Check<T extends HasMetadata> implements Watcher<T> {
    @Override
    public void eventReceived(Action action, T resource) {
      if (action == Action.ADDED || action == Action.MODIFIED) {
        check(resource);
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}
