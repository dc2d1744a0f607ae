package io.hapair.helm;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of the Kubernetes Pod Security Standards that the chart's pods touch, so that a test
 * can tell which level a pod template meets (https://kubernetes.io/docs/concepts/security/
 * pod-security-standards/). Not every check of the standard: only those that can fail here.
 */
final class PodSecurity {
  /** The labels of the install namespace, in manifests/install.yaml and in the docs. */
  static final Map<String, String> NAMESPACE_LABELS = namespaceLabels();

  /** Capabilities the baseline level lets a container add. */
  private static final Set<String> BASELINE_CAPABILITIES =
      Set.of(
          "AUDIT_WRITE",
          "CHOWN",
          "DAC_OVERRIDE",
          "FOWNER",
          "FSETID",
          "KILL",
          "MKNOD",
          "NET_BIND_SERVICE",
          "SETFCAP",
          "SETGID",
          "SETPCAP",
          "SETUID",
          "SYS_CHROOT");

  private PodSecurity() {}

  private static Map<String, String> namespaceLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String mode : List.of("enforce", "audit", "warn")) {
      labels.put("pod-security.kubernetes.io/" + mode, "privileged");
    }
    return labels;
  }

  /** What keeps the pod out of the baseline level; empty if it meets it. */
  static List<String> baselineViolations(PodSpec pod) {
    List<String> violations = new ArrayList<>();
    if (Boolean.TRUE.equals(pod.getHostNetwork())) {
      violations.add("hostNetwork");
    }
    if (Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
      violations.add("host namespaces");
    }
    for (Volume volume : pod.getVolumes()) {
      if (volume.getHostPath() != null) {
        violations.add("hostPath volume " + volume.getName());
      }
    }
    for (Container container : pod.getContainers()) {
      SecurityContext context = container.getSecurityContext();
      if (context == null) {
        continue;
      }
      if (Boolean.TRUE.equals(context.getPrivileged())) {
        violations.add("privileged");
      }
      Capabilities capabilities = context.getCapabilities();
      if (capabilities != null && capabilities.getAdd() != null) {
        capabilities.getAdd().stream()
            .filter(c -> !BASELINE_CAPABILITIES.contains(c))
            .forEach(c -> violations.add("capability " + c));
      }
      if (container.getPorts().stream().anyMatch(p -> p.getHostPort() != null)
          && !Boolean.TRUE.equals(pod.getHostNetwork())) {
        violations.add("hostPort");
      }
    }
    return violations;
  }

  /** What keeps the pod out of the restricted level (baseline's checks included). */
  static List<String> restrictedViolations(PodSpec pod) {
    List<String> violations = new ArrayList<>(baselineViolations(pod));
    var podContext = pod.getSecurityContext();
    boolean podNonRoot = podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot());
    boolean podSeccomp =
        podContext != null
            && podContext.getSeccompProfile() != null
            && Set.of("RuntimeDefault", "Localhost")
                .contains(podContext.getSeccompProfile().getType());
    if (!podSeccomp) {
      violations.add("seccompProfile");
    }
    for (Container container : pod.getContainers()) {
      SecurityContext context = container.getSecurityContext();
      if (context == null || !Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        violations.add("allowPrivilegeEscalation");
      }
      if (!podNonRoot && (context == null || !Boolean.TRUE.equals(context.getRunAsNonRoot()))) {
        violations.add("runAsNonRoot");
      }
      if (context == null
          || context.getCapabilities() == null
          || !context.getCapabilities().getDrop().contains("ALL")) {
        violations.add("capabilities drop ALL");
      }
    }
    return violations;
  }
}
