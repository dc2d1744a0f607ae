package io.hapair.operator.resources;

import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.PairNode;
import io.hapair.operator.events.PairEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The switchover annotation's life: the agents act on {@value #ANNOTATION} (the primary hands its
 * groups to the named node); the operator reports the outcome and removes the annotation once every
 * group is led by that node, or at once if it names no node of the pair.
 */
public final class Switchover {
  public static final String ANNOTATION = PairObjects.SWITCHOVER_ANNOTATION;

  /** When the operator first saw the request (RFC 3339); an annotation it owns. */
  public static final String SEEN_AT = PairObjects.SWITCHOVER_SEEN_AT_ANNOTATION;

  /**
   * How long a request may stay without an outcome: a switchover takes a drain, a flush and one
   * witness update (well under a second when in sync); after this it is removed as expired.
   */
  public static final Duration DEADLINE = PairObjects.REQUEST_DEADLINE;

  private Switchover() {}

  /** When the request was first seen, or null if not yet stamped (or unreadable). */
  public static Instant seenAt(HAPair pair) {
    String at =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(SEEN_AT);
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The Event to record and remove the annotation with; empty while the switchover runs. */
  public static Optional<PairEvents.Change> judge(HAPair pair, HAPairStatus status, Instant now) {
    String target =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(ANNOTATION);
    if (target == null) {
      return Optional.empty();
    }
    boolean known =
        pair.getSpec().getNodes().stream().map(PairNode::getName).anyMatch(target::equals);
    if (!known) {
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              "SwitchoverRefused",
              ANNOTATION + ": " + target + " is not a node of this pair"));
    }
    boolean done =
        status.getServiceGroups() != null
            && !status.getServiceGroups().isEmpty()
            && status.getServiceGroups().stream().allMatch(g -> target.equals(g.getPrimary()));
    if (done) {
      return Optional.of(
          new PairEvents.Change(
              "Normal",
              "SwitchedOver",
              target + " leads every group (epoch " + status.getEpoch() + ")"));
    }
    Instant seen = seenAt(pair);
    if (seen != null && now.isAfter(seen.plus(DEADLINE))) {
      return Optional.of(
          new PairEvents.Change(
              "Warning",
              "SwitchoverExpired",
              ANNOTATION
                  + ": "
                  + target
                  + " does not lead every group "
                  + DEADLINE.toSeconds()
                  + " s after the request (the agents' logs say why); the request is removed and"
                  + " never acted on later"));
    }
    return Optional.empty();
  }
}
