package io.hapair.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hapair.api.spec.NodeLabels;
import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent never trusts the operator alone: a pair marked Valid (as an operator with another
 * policy, or a forged status, would) is still refused when it names a command or a disk that this
 * agent's installation does not allow.
 */
@EnableKubernetesMockClient(crud = true)
class KubeAgentTrustIT {
  static final String INSTALL = "hapair-system";
  static final Duration T = Duration.ofSeconds(30);
  KubernetesClient client;
  @TempDir Path dir;
  KubeAgent agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private void startAgent(InstallPolicy policy) {
    startAgent(policy, Set.of());
  }

  private void startAgent(InstallPolicy policy, Set<String> served) {
    agent =
        new KubeAgent(
                client,
                client,
                new KubeAgent.Settings(
                    "node-a",
                    INSTALL,
                    dir.resolve("state"),
                    Duration.ofSeconds(2),
                    "test",
                    policy,
                    served),
                Clock.systemUTC())
            .start();
  }

  /** A pair the operator would have labelled and found valid, with its Secret. */
  private void createValidPair(String extraSpec) throws Exception {
    createValidPair("default", extraSpec);
  }

  private void createValidPair(String namespace, String extraSpec) throws Exception {
    for (String node : List.of("a", "b")) {
      if (Files.exists(dir.resolve(node + ".img"))) {
        continue;
      }
      try (RandomAccessFile f = new RandomAccessFile(dir.resolve(node + ".img").toFile(), "rw")) {
        f.setLength(1 << 20);
      }
    }
    HAPair pair =
        Serialization.unmarshal(
            """
            apiVersion: hapair.io/v1alpha1
            kind: HAPair
            metadata:
              name: db
            spec:
              nodes:
                - {name: node-a, address: 127.0.0.2, disk: %s}
                - {name: node-b, address: 127.0.0.3, disk: %s}
              volume: {disk: %s}
              export: {bind: Loopback, tls: Disabled}
            %s
            """
                .formatted(
                    dir.resolve("a.img"), dir.resolve("b.img"), dir.resolve("b.img"), extraSpec),
            HAPair.class);
    pair.getMetadata().setNamespace(namespace);
    pair.getMetadata().setLabels(Map.of(NodeLabels.forNode("node-a"), "true"));
    HAPair created = client.resource(pair).create();
    client
        .secrets()
        .inNamespace(INSTALL)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(PairObjects.secretName(namespace, "db"))
                .withAnnotations(Map.of(PairObjects.PAIR_UID, created.getMetadata().getUid()))
                .endMetadata()
                .withData(
                    Map.of(
                        PairObjects.REPLICATION_KEY,
                        Base64.getEncoder()
                            .encodeToString("a test key of 32 bytes or more.".getBytes())))
                .build())
        .create();
    Condition valid = new Condition("Valid", "True", "Valid", "the spec is valid");
    valid.setObservedGeneration(created.getMetadata().getGeneration());
    HAPairStatus status = new HAPairStatus();
    status.setConditions(List.of(valid));
    created.setStatus(status);
    client.resource(created).updateStatus();
  }

  @Test
  void aValidatedPairWithAHookIsRefusedWhileCommandsAreOff() throws Exception {
    createValidPair("  hooks: {onPrimary: touch " + dir.resolve("pwned") + "}");
    startAgent(new InstallPolicy(false, DiskAllowList.of(List.of(dir + "/"))));

    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(agent.waitingReason("default", "db"))
                    .startsWith("spec.hooks.onPrimary: this agent does not run commands"));
    assertThat(agent.volumes("default", "db")).isEmpty();
    assertThat(dir.resolve("pwned")).doesNotExist();
  }

  @Test
  void aValidatedPairWithADiskOutsideTheAllowListIsRefused() throws Exception {
    createValidPair("");
    startAgent(new InstallPolicy(false, DiskAllowList.of(List.of("/dev/disk/by-id/*"))));

    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(agent.waitingReason("default", "db"))
                    .startsWith("spec.nodes[0].disk: " + dir.resolve("a.img"))
                    .contains("outside the disks this installation allows"));
    assertThat(agent.volumes("default", "db")).isEmpty();
  }

  @Test
  void pairsOutsideTheServedNamespacesAreNeverLookedAt() throws Exception {
    createValidPair("default", "  hooks: {onPrimary: touch " + dir.resolve("pwned") + "}");
    createValidPair("databases", "  hooks: {onPrimary: touch " + dir.resolve("pwned") + "}");
    startAgent(new InstallPolicy(false, DiskAllowList.of(List.of(dir + "/"))), Set.of("databases"));

    // The served pair is looked at (and refused for its hook) ...
    await()
        .atMost(T)
        .untilAsserted(
            () ->
                assertThat(agent.waitingReason("databases", "db"))
                    .startsWith("spec.hooks.onPrimary"));
    // ... the other one, created first, never was.
    assertThat(agent.waitingReason("default", "db")).isNull();
  }
}
