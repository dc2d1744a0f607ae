package io.hapair.agent.volume;

import io.micrometer.core.instrument.Tags;

/**
 * The labels that name a pair on every series of its volumes: in Kubernetes the HAPair's namespace
 * and name, in standalone mode the config's pair name alone (there is no namespace). The pair's UID
 * is never a label: nobody can read it in a dashboard, and it changes when a HAPair is re-created
 * under the same name (docs/design/0009-monitoring.md).
 *
 * @param namespace the HAPair's namespace, or null in standalone mode
 */
public record PairLabels(String namespace, String name) {
  public static PairLabels standalone(String name) {
    return new PairLabels(null, name);
  }

  public Tags tags() {
    return namespace == null
        ? Tags.of("name", name)
        : Tags.of("namespace", namespace, "name", name);
  }
}
