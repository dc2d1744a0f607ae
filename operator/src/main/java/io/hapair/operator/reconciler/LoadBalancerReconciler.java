package io.hapair.operator.reconciler;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.hapair.api.spec.Cidr;
import io.hapair.api.spec.GroupSpec;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.VirtualIP;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoadBalancer Services of class {@code hapair.io/vip}, as MetalLB serves its own class: a Service
 * annotated {@code hapair.io/group: <group>} gets that group's virtual IPs (of the HAPair in its
 * namespace) in {@code status.loadBalancer.ingress}. The agents already hold the VIP on the
 * primary; kube-proxy routes the Service's ports from it.
 */
@ControllerConfiguration(name = "hapair-loadbalancer", generationAwareEventProcessing = false)
public class LoadBalancerReconciler implements Reconciler<Service> {
  private static final Logger log = LoggerFactory.getLogger(LoadBalancerReconciler.class);
  public static final String CLASS = "hapair.io/vip";
  public static final String GROUP_ANNOTATION = "hapair.io/group";

  private InformerEventSource<HAPair, Service> pairs;

  /** Whether the Service is ours to serve. */
  public static boolean ours(Service service) {
    return service.getSpec() != null
        && "LoadBalancer".equals(service.getSpec().getType())
        && CLASS.equals(service.getSpec().getLoadBalancerClass());
  }

  @Override
  public List<EventSource<?, Service>> prepareEventSources(EventSourceContext<Service> context) {
    var config =
        InformerEventSourceConfiguration.from(HAPair.class, Service.class)
            .withSecondaryToPrimaryMapper(
                pair ->
                    context
                        .getPrimaryCache()
                        .list(pair.getMetadata().getNamespace())
                        .filter(LoadBalancerReconciler::ours)
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    pairs = new InformerEventSource<>(config, context);
    return List.of(pairs);
  }

  @Override
  public UpdateControl<Service> reconcile(Service service, Context<Service> context) {
    if (!ours(service)) {
      return UpdateControl.noUpdate();
    }
    String group =
        service.getMetadata().getAnnotations() == null
            ? null
            : service.getMetadata().getAnnotations().get(GROUP_ANNOTATION);
    List<LoadBalancerIngress> ingress = group == null ? List.of() : ingressFor(service, group);
    if (group == null || ingress.isEmpty()) {
      log.warn(
          "service {}/{}: {} names no group with virtual IPs in this namespace ({})",
          service.getMetadata().getNamespace(),
          service.getMetadata().getName(),
          GROUP_ANNOTATION,
          group);
    }
    List<LoadBalancerIngress> current =
        service.getStatus() == null || service.getStatus().getLoadBalancer() == null
            ? List.of()
            : Optional.ofNullable(service.getStatus().getLoadBalancer().getIngress())
                .orElse(List.of());
    if (Objects.equals(current, ingress)) {
      return UpdateControl.noUpdate();
    }
    ServiceStatus status = service.getStatus() == null ? new ServiceStatus() : service.getStatus();
    status.setLoadBalancer(new LoadBalancerStatus(ingress));
    service.setStatus(status);
    log.info(
        "service {}/{}: load balancer ingress {} (group {})",
        service.getMetadata().getNamespace(),
        service.getMetadata().getName(),
        ingress.stream().map(LoadBalancerIngress::getIp).toList(),
        group);
    return UpdateControl.patchStatus(service);
  }

  private List<LoadBalancerIngress> ingressFor(Service service, String group) {
    List<LoadBalancerIngress> ingress = new ArrayList<>();
    pairs
        .list(service.getMetadata().getNamespace())
        .filter(p -> p.getSpec() != null && p.getMetadata().getDeletionTimestamp() == null)
        .flatMap(p -> GroupSpec.of(p.getMetadata().getName(), p.getSpec()).stream())
        .filter(g -> group.equals(g.name()))
        .findFirst()
        .ifPresent(
            g -> {
              for (VirtualIP vip : g.virtualIPs()) {
                ingress.add(
                    new LoadBalancerIngressBuilder()
                        .withIp(Cidr.parse(vip.getAddress()).address().getHostAddress())
                        .withIpMode("VIP")
                        .build());
              }
            });
    return ingress;
  }
}
