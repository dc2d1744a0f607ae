package io.hapair.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LoadBalancer Services of class hapair.io/vip get their group's virtual IP, and only those. */
@EnableKubernetesMockClient(crud = true)
class LoadBalancerIT {
  static final Duration T = Duration.ofSeconds(15);
  static KubernetesMockServer server;
  static KubernetesClient client;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(server, client);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.stop();
    }
  }

  static Service service(String name, String loadBalancerClass, Map<String, String> annotations) {
    return client
        .services()
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(OperatorHarness.NAMESPACE)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withLoadBalancerClass(loadBalancerClass)
                .addNewPort()
                .withPort(5432)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  static List<String> ingress(String name) {
    Service s = client.services().inNamespace(OperatorHarness.NAMESPACE).withName(name).get();
    if (s.getStatus() == null
        || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream()
        .map(LoadBalancerIngress::getIp)
        .toList();
  }

  @Test
  void aServiceOfOurClassGetsItsGroupsVirtualIp() {
    harness.create(harness.loadExample("active-passive.yaml", "pg"));
    service("pg-rw", "hapair.io/vip", Map.of("hapair.io/group", "pg"));
    service("other", "example.com/lb", Map.of("hapair.io/group", "pg"));

    await().atMost(T).until(() -> ingress("pg-rw").equals(List.of("192.0.2.100")));
    await().during(Duration.ofSeconds(1)).atMost(T).until(() -> ingress("other").isEmpty());
  }

  @Test
  void aServiceCreatedBeforeItsPairGetsTheAddressWhenThePairAppears() {
    service("late-rw", "hapair.io/vip", Map.of("hapair.io/group", "late"));
    await().during(Duration.ofSeconds(1)).atMost(T).until(() -> ingress("late-rw").isEmpty());

    harness.create(harness.loadExample("ipv6.yaml", "late"));

    await().atMost(T).until(() -> !ingress("late-rw").isEmpty());
    assertThat(ingress("late-rw").get(0)).contains(":");
  }
}
