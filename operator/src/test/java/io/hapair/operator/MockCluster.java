package io.hapair.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hapair.common.trust.DiskAllowList;
import io.hapair.common.trust.InstallPolicy;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** fabric8's CRUD mock API server made ready for the operator: CRDs, Nodes, RBAC answers. */
public final class MockCluster {
  public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** An installation that allows what manifests/examples use: commands and their disks. */
  public static final InstallPolicy EXAMPLES_ALLOWED =
      new InstallPolicy(true, DiskAllowList.of(List.of("/dev/disk/by-id/*", "/var/lib/hapair/")));

  private MockCluster() {}

  /** The checked-in CRDs, and the answer JOSDK's leader election asks for first. */
  public static void prepare(KubernetesMockServer server, KubernetesClient client) {
    // JOSDK asks which Lease verbs it holds (a SelfSubjectRulesReview); the CRUD mock cannot
    // answer that, so answer as an API server would for the chart's RBAC.
    server
        .expect()
        .post()
        .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(
            201,
            new SelfSubjectRulesReviewBuilder()
                .withNewStatus()
                .addNewResourceRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("*")
                .endResourceRule()
                .withIncomplete(false)
                .endStatus()
                .build())
        .always();
    for (String crd : List.of("hapairs.hapair.io-v1.yml", "hapairnodes.hapair.io-v1.yml")) {
      try (InputStream in = new FileInputStream(ROOT.resolve("crds").resolve(crd).toFile())) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A Node with one InternalIP. */
  public static Node addNode(KubernetesClient client, String name, String address) {
    return client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(address)
                .endAddress()
                .endStatus()
                .build())
        .create();
  }
}
