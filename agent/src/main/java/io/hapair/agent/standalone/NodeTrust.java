package io.hapair.agent.standalone;

import io.hapair.api.spec.GroupSpec;
import io.hapair.api.spec.PrivilegedFields;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.common.trust.DiskAllowList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The agent's own check of what a spec may reach on this node (design note 0007): it never relies
 * on the operator having refused a command or a disk.
 */
final class NodeTrust {
  private NodeTrust() {}

  /** Refuses a spec that names a command while the agent's config does not allow commands. */
  static void checkCommands(StandaloneConfig config) throws ConfigException {
    Map<String, String> commands = PrivilegedFields.commands(config.spec);
    if (!config.allowCommands && !commands.isEmpty()) {
      throw new ConfigException(
          commands.keySet().iterator().next()
              + ": this agent does not run commands (allowCommands is off; in Kubernetes the"
              + " chart value trust.allowCommands)");
    }
  }

  /**
   * The path to open for this node's disk of {@code group}: as written when the config has no
   * allow-list (standalone), else its real path once both the named and the real path are allowed.
   */
  static Path disk(StandaloneConfig config, GroupSpec group, PairNode me)
      throws ConfigException, IOException {
    String field;
    String disk;
    if (me.getDisk() != null) {
      field = "spec.nodes[" + config.spec.getNodes().indexOf(me) + "].disk";
      disk = me.getDisk();
    } else {
      field = group.fieldPath() + ".volume.disk";
      disk = group.volume().getDisk();
    }
    if (disk == null || disk.isBlank()) {
      throw new ConfigException(field + ": required");
    }
    if (config.allowedDisks == null) {
      return Path.of(disk);
    }
    DiskAllowList allowed;
    try {
      allowed = DiskAllowList.of(config.allowedDisks);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("allowedDisks: " + e.getMessage());
    }
    try {
      return allowed.resolve(disk);
    } catch (DiskAllowList.DiskNotAllowedException e) {
      throw new ConfigException(field + ": " + e.getMessage());
    } catch (IOException e) {
      throw new IOException(field + ": cannot open " + disk + ": " + e, e);
    }
  }
}
