package io.hapair.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hapair.api.spec.HostPorts;
import io.hapair.common.MetricsServer;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import io.hapair.operator.metrics.OperatorMetrics;
import io.hapair.operator.resources.CertificateSource;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `java -jar hapair-operator.jar`: runs the operator against the cluster in the kube config. */
@Command(
    name = "hapair-operator",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Reconciles HAPair resources.")
public final class OperatorMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  @Option(
      names = "--namespace",
      description = "Namespace to watch; repeat for several. Default: all namespaces.")
  List<String> namespaces = List.of();

  @Option(
      names = "--allow-commands",
      description =
          "Run the commands HAPairs name (spec.hooks.*, spec.failover.healthCheck.command) as"
              + " root on their nodes; off by default: such a pair is reported invalid.")
  boolean allowCommands;

  @Option(
      names = "--allowed-disk",
      description =
          "A disk HAPairs may name: a glob (/dev/disk/by-id/wwn-*) or a directory ending in /"
              + " (file-backed disks); repeat for several. None by default: every disk is refused.")
  List<String> allowedDisks = List.of();

  @Option(
      names = "--lease-namespace",
      defaultValue = "${env:POD_NAMESPACE:-hapair-system}",
      description = "Namespace of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace;

  @Option(
      names = "--install-namespace",
      defaultValue = "${env:POD_NAMESPACE:-hapair-system}",
      description =
          "Namespace of the pairs' Secrets, witness Leases and per-node reports, and of the"
              + " agent DaemonSet (default: ${DEFAULT-VALUE}).")
  String installNamespace;

  @Option(
      names = "--agent-daemonset",
      defaultValue = "hapair-agent",
      description =
          "The agent DaemonSet in the install namespace, rolled one node at a time"
              + " (default: ${DEFAULT-VALUE}).")
  String agentDaemonSet;

  @Option(
      names = "--identity",
      defaultValue = "${env:POD_NAME:-hapair-operator}",
      description = "This replica's identity in the leader-election Lease.")
  String identity;

  @Option(
      names = "--cert-manager-issuer",
      paramLabel = "KIND/NAME[.GROUP]",
      description =
          "Have cert-manager issue the pairs' NBD certificates through this issuer (Issuer in the"
              + " install namespace, or ClusterIssuer; group cert-manager.io unless given) instead"
              + " of the operator's own CAs.")
  String certManagerIssuer;

  @Option(
      names = "--metrics",
      defaultValue = "0.0.0.0:8080",
      description = "host:port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  String metricsAddress;

  public static void main(String[] args) {
    int exit = new CommandLine(new OperatorMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** The certificate source from --cert-manager-issuer: KIND/NAME or KIND/NAME.GROUP. */
  CertificateSource certificates() {
    if (certManagerIssuer == null || certManagerIssuer.isBlank()) {
      return CertificateSource.builtin();
    }
    int slash = certManagerIssuer.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException(
          "--cert-manager-issuer " + certManagerIssuer + ": expected KIND/NAME[.GROUP]");
    }
    String kind = certManagerIssuer.substring(0, slash);
    String rest = certManagerIssuer.substring(slash + 1);
    int dot = rest.indexOf('.');
    return CertificateSource.certManager(
        dot < 0 ? rest : rest.substring(0, dot),
        kind,
        dot < 0 ? "cert-manager.io" : rest.substring(dot + 1));
  }

  @Override
  public Integer call() throws IOException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    AtomicBoolean started = new AtomicBoolean();
    Operator operator =
        HAPairOperator.create(
            client,
            new OperatorSettings(
                "hapair-operator",
                leaseNamespace,
                identity,
                new HashSet<>(namespaces),
                installNamespace,
                agentDaemonSet,
                new InstallPolicy(allowCommands, DiskAllowList.of(allowedDisks)),
                true,
                certificates()),
            OperatorMetrics.create(Metrics.globalRegistry));
    MetricsServer endpoints =
        new MetricsServer(
            HostPorts.parse(metricsAddress), started::get, new OperatorHealth(operator));
    Runtime.getRuntime().addShutdownHook(new Thread(operator::stop, "hapair-shutdown"));
    log.info(
        "hapair operator {} starting as {} (lease {}/hapair-operator)",
        Version.current(),
        identity,
        leaseNamespace);
    log.info(
        "hapair operator serving HAPairs in {}; commands {}; allowed disks {}; certificates from {}",
        namespaces.isEmpty() ? "all namespaces" : namespaces,
        allowCommands ? "allowed" : "refused",
        allowedDisks,
        certificates());
    operator.start();
    started.set(true);
    Runtime.getRuntime().addShutdownHook(new Thread(endpoints::close, "hapair-metrics-shutdown"));
    return 0;
  }
}
