package io.hapair.common.trust;

/**
 * What the cluster administrator lets a HAPair reach on a node (design note 0007): a HAPair comes
 * from a namespace user, so its commands and disks are refused unless the installation allows them.
 * The operator checks the spec against it, and every agent checks again before acting.
 *
 * @param allowCommands whether spec.hooks.* and spec.failover.healthCheck.command may run (as root
 *     in the agent)
 * @param allowedDisks the disks a pair may name
 */
public record InstallPolicy(boolean allowCommands, DiskAllowList allowedDisks) {}
