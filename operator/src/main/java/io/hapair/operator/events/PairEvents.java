package io.hapair.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hapair.api.v1alpha1.Condition;
import io.hapair.api.v1alpha1.ConditionType;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import io.hapair.operator.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for what changed between two statuses of a pair: role changes and failovers,
 * outdating, split brain, resync start and end, the witness sharing fate with a node. Derived from
 * the status, so a restarted operator does not repeat them.
 */
public final class PairEvents {
  private static final Logger log = LoggerFactory.getLogger(PairEvents.class);

  /** One Event to write. */
  public record Change(String type, String reason, String message) {}

  private final KubernetesClient client;

  public PairEvents(KubernetesClient client) {
    this.client = client;
  }

  /** The Events that {@code before} → {@code after} deserves; pure. */
  public static List<Change> between(HAPairStatus before, HAPairStatus after) {
    List<Change> changes = new ArrayList<>();
    for (ServiceGroupStatus group : nullSafe(after.getServiceGroups())) {
      ServiceGroupStatus old = groupNamed(before, group.getName());
      String was = old == null ? null : old.getPrimary();
      String now = group.getPrimary();
      if (now != null && !now.equals(was)) {
        boolean failover =
            group.getLastFailover() != null
                && (old == null
                    || old.getLastFailover() == null
                    || !Objects.equals(
                        old.getLastFailover().getStartedAt(),
                        group.getLastFailover().getStartedAt()));
        changes.add(
            failover
                ? new Change(
                    "Warning",
                    "Failover",
                    "group "
                        + group.getName()
                        + ": "
                        + now
                        + " took over from "
                        + group.getLastFailover().getFrom()
                        + " (epoch "
                        + group.getEpoch()
                        + ")")
                : new Change(
                    "Normal",
                    "PrimaryChanged",
                    "group "
                        + group.getName()
                        + ": "
                        + now
                        + " is primary (epoch "
                        + group.getEpoch()
                        + ")"
                        + (was == null ? "" : ", was " + was)));
      }
      HAPairStatus.Phase oldPhase = old == null ? null : old.getPhase();
      if (group.getPhase() != oldPhase && group.getPhase() != null) {
        switch (group.getPhase()) {
          case Syncing ->
              changes.add(
                  new Change(
                      "Normal", "ResyncStarted", "group " + group.getName() + ": resync started"));
          case Healthy -> {
            if (oldPhase == HAPairStatus.Phase.Syncing) {
              changes.add(
                  new Change(
                      "Normal",
                      "ResyncFinished",
                      "group " + group.getName() + ": both disks current"));
            }
          }
          case Degraded -> {
            if (group.getPrimary() != null) {
              changes.add(
                  new Change(
                      "Warning",
                      "PeerOutdated",
                      "group "
                          + group.getName()
                          + ": running on "
                          + group.getPrimary()
                          + " alone; the peer is outdated or gone"));
            }
          }
          case SplitBrain ->
              changes.add(
                  new Change(
                      "Warning",
                      "SplitBrain",
                      "group "
                          + group.getName()
                          + ": both nodes changed data separately; replication refused"));
          default -> {}
        }
      }
    }
    for (ConditionType type :
        List.of(
            ConditionType.WitnessSharesFate,
            ConditionType.WitnessUnreachable,
            ConditionType.WitnessRolledBack)) {
      Condition now = Conditions.find(after.getConditions(), type);
      Condition was = before == null ? null : Conditions.find(before.getConditions(), type);
      if (now != null
          && Conditions.TRUE.equals(now.getStatus())
          && (was == null || !Conditions.TRUE.equals(was.getStatus()))) {
        changes.add(new Change("Warning", type.name(), now.getMessage()));
      }
    }
    return changes;
  }

  /** Writes the Events; a failure to write one is logged, never fatal to the reconcile. */
  public void record(HAPair pair, List<Change> changes, Instant now) {
    for (Change change : changes) {
      Event event =
          new EventBuilder()
              .withNewMetadata()
              .withNamespace(pair.getMetadata().getNamespace())
              .withName(
                  pair.getMetadata().getName()
                      + "."
                      + UUID.randomUUID().toString().substring(0, 13))
              .endMetadata()
              .withInvolvedObject(
                  new ObjectReferenceBuilder()
                      .withApiVersion(pair.getApiVersion())
                      .withKind(pair.getKind())
                      .withNamespace(pair.getMetadata().getNamespace())
                      .withName(pair.getMetadata().getName())
                      .withUid(pair.getMetadata().getUid())
                      .build())
              .withType(change.type())
              .withReason(change.reason())
              .withMessage(change.message())
              .withFirstTimestamp(now.toString())
              .withLastTimestamp(now.toString())
              .withCount(1)
              .withNewSource()
              .withComponent("hapair-operator")
              .endSource()
              .build();
      try {
        client
            .v1()
            .events()
            .inNamespace(pair.getMetadata().getNamespace())
            .resource(event)
            .create();
      } catch (KubernetesClientException e) {
        log.warn(
            "pair {}/{}: could not record Event {}: {}",
            pair.getMetadata().getNamespace(),
            pair.getMetadata().getName(),
            change.reason(),
            e.getMessage());
      }
      log.info(
          "pair {}/{}: {} {}",
          pair.getMetadata().getNamespace(),
          pair.getMetadata().getName(),
          change.reason(),
          change.message());
    }
  }

  private static ServiceGroupStatus groupNamed(HAPairStatus status, String name) {
    if (status == null) {
      return null;
    }
    return nullSafe(status.getServiceGroups()).stream()
        .filter(g -> name.equals(g.getName()))
        .findFirst()
        .orElse(null);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
