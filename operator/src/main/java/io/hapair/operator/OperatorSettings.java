package io.hapair.operator;

import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.resources.CertificateSource;
import java.util.Set;

/**
 * How this operator instance runs.
 *
 * @param leaseName the leader-election Lease
 * @param leaseNamespace where that Lease lives (the operator's own namespace)
 * @param identity this replica's name in the Lease (the pod name)
 * @param watchNamespaces namespaces whose HAPairs to reconcile; empty means all
 * @param installNamespace where the pairs' Secrets, witness Leases and per-node reports live
 * @param agentDaemonSet the agent DaemonSet's name in the install namespace (upgrades)
 * @param policy the commands and disks a HAPair may name
 * @param exitOnStopLeading exit the process when leadership is lost (true in production, so a
 *     restarted pod starts clean)
 * @param certificates where the pairs' NBD certificates come from
 */
public record OperatorSettings(
    String leaseName,
    String leaseNamespace,
    String identity,
    Set<String> watchNamespaces,
    String installNamespace,
    String agentDaemonSet,
    InstallPolicy policy,
    boolean exitOnStopLeading,
    CertificateSource certificates) {

  /** Settings with the operator's own CAs. */
  public OperatorSettings(
      String leaseName,
      String leaseNamespace,
      String identity,
      Set<String> watchNamespaces,
      String installNamespace,
      String agentDaemonSet,
      InstallPolicy policy,
      boolean exitOnStopLeading) {
    this(
        leaseName,
        leaseNamespace,
        identity,
        watchNamespaces,
        installNamespace,
        agentDaemonSet,
        policy,
        exitOnStopLeading,
        CertificateSource.builtin());
  }
}
