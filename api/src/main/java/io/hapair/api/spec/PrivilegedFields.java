package io.hapair.api.spec;

import io.hapair.api.v1alpha1.FailoverSpec;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.HooksSpec;
import io.hapair.api.v1alpha1.PairNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a spec that reach into a node: shell commands the agent runs as root, and the disks
 * it overwrites. Each map goes from the field's path (for messages) to its value; blank values are
 * left out.
 */
public final class PrivilegedFields {
  private PrivilegedFields() {}

  /** spec.hooks.* and spec.failover.healthCheck.command. */
  public static Map<String, String> commands(HAPairSpec spec) {
    Map<String, String> commands = new LinkedHashMap<>();
    HooksSpec hooks = spec.getHooks();
    if (hooks != null) {
      put(commands, "spec.hooks.onPrimary", hooks.getOnPrimary());
      put(commands, "spec.hooks.onSecondary", hooks.getOnSecondary());
      put(commands, "spec.hooks.onFault", hooks.getOnFault());
    }
    FailoverSpec failover = spec.getFailover();
    if (failover != null && failover.getHealthCheck() != null) {
      put(commands, "spec.failover.healthCheck.command", failover.getHealthCheck().getCommand());
    }
    return commands;
  }

  /** Every group's volume disk and every node's own disk. */
  public static Map<String, String> disks(String pairName, HAPairSpec spec) {
    Map<String, String> disks = new LinkedHashMap<>();
    for (GroupSpec group : GroupSpec.of(pairName, spec)) {
      if (group.volume() != null) {
        put(disks, group.fieldPath() + ".volume.disk", group.volume().getDisk());
      }
    }
    List<PairNode> nodes = spec.getNodes() == null ? List.of() : spec.getNodes();
    for (int i = 0; i < nodes.size(); i++) {
      put(disks, "spec.nodes[" + i + "].disk", nodes.get(i).getDisk());
    }
    return disks;
  }

  private static void put(Map<String, String> fields, String path, String value) {
    if (value != null && !value.isBlank()) {
      fields.put(path, value);
    }
  }
}
