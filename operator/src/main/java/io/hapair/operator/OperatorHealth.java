package io.hapair.operator;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The operator's /healthz, from JOSDK's runtime state: unhealthy until the operator has started,
 * and while any controller's event source (an informer that lost its watch, for instance) is
 * unhealthy. Every replica runs the informers, the leader and the standbys alike.
 */
final class OperatorHealth implements Supplier<List<String>> {
  private final Operator operator;

  OperatorHealth(Operator operator) {
    this.operator = operator;
  }

  @Override
  public List<String> get() {
    RuntimeInfo runtime = operator.getRuntimeInfo();
    if (!runtime.isStarted()) {
      return List.of("operator not started");
    }
    List<String> problems = new ArrayList<>();
    new TreeMap<>(runtime.unhealthyEventSources())
        .forEach(
            (controller, sources) ->
                new TreeMap<>(sources)
                    .forEach(
                        (source, health) ->
                            problems.add(
                                "controller "
                                    + controller
                                    + ": event source "
                                    + source
                                    + " is "
                                    + health.getStatus())));
    return problems;
  }
}
