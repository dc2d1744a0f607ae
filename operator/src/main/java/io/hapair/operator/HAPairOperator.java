package io.hapair.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hapair.operator.reconciler.AgentUpgrader;
import io.hapair.operator.reconciler.HAPairReconciler;
import io.hapair.operator.reconciler.LoadBalancerReconciler;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Clock;
import java.time.Duration;

/** Assembles the JOSDK operator: one reconciler, leader election, merge-patched status. */
public final class HAPairOperator {
  private HAPairOperator() {}

  /**
   * @param settings leader election and namespaces
   * @param client the API client; the operator closes it when it stops
   * @param metrics where JOSDK reports reconciliations
   */
  public static Operator create(
      KubernetesClient client, OperatorSettings settings, Metrics metrics) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    // Server-side apply of the status is not needed; a merge patch is also what
                    // every API server (and the test server) supports.
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(true)
                    .withMetrics(metrics)
                    .withLeaderElectionConfiguration(
                        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                                settings.leaseName())
                            .withLeaseNamespace(settings.leaseNamespace())
                            .withIdentity(settings.identity())
                            .withLeaseDuration(Duration.ofSeconds(15))
                            .withRenewDeadline(Duration.ofSeconds(10))
                            .withRetryPeriod(Duration.ofSeconds(2))
                            .withExitOnStopLeading(settings.exitOnStopLeading())
                            .build()));
    operator.register(
        new HAPairReconciler(
            Clock.systemUTC(),
            client,
            settings.installNamespace(),
            settings.policy(),
            settings.certificates()),
        c -> {
          c.withGenerationAware(false);
          c.withOnUpdateFilter(HAPairReconciler::worthReconciling);
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    operator.register(
        new LoadBalancerReconciler(),
        c -> {
          c.withGenericFilter(LoadBalancerReconciler::ours);
          if (!settings.watchNamespaces().isEmpty()) {
            c.settingNamespaces(settings.watchNamespaces());
          }
        });
    operator.register(
        new AgentUpgrader(client, settings.watchNamespaces(), Clock.systemUTC()),
        c -> {
          c.settingNamespace(settings.installNamespace());
          c.withGenericFilter(ds -> settings.agentDaemonSet().equals(ds.getMetadata().getName()));
        });
    return operator;
  }
}
