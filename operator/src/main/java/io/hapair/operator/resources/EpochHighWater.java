package io.hapair.operator.resources;

import io.hapair.api.v1alpha1.GroupReport;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The highest epoch the operator has known for each group of a pair, kept in an annotation it owns
 * on the HAPair ({@value #ANNOTATION}: {@code group=epoch,...}), raised from the witness Leases and
 * the agents' reports and never lowered. A Lease whose epoch is below it is an older copy (a
 * restored etcd backup, a Lease put back by hand): the epoch would be reused if anyone trusted it.
 *
 * <p>An annotation rather than the status: the status is a report that tools such as Velero leave
 * out of a restore, and it drops to nothing when both agents stop. The annotation is restored with
 * the HAPair, so after an etcd restore the agents' reports (written again by agents whose disks saw
 * the newer epochs) are what reveals the rollback; the agents also check the record against their
 * own disks.
 */
public final class EpochHighWater {
  public static final String ANNOTATION = "hapair.io/highest-epochs";

  private EpochHighWater() {}

  /** What the annotation says, by group; unreadable entries are left out. */
  public static Map<String, Long> recorded(HAPair pair) {
    Map<String, Long> epochs = new TreeMap<>();
    String value =
        pair.getMetadata().getAnnotations() == null
            ? null
            : pair.getMetadata().getAnnotations().get(ANNOTATION);
    if (value == null || value.isBlank()) {
      return epochs;
    }
    for (String entry : value.split(",")) {
      int eq = entry.indexOf('=');
      if (eq > 0) {
        try {
          epochs.put(entry.substring(0, eq).trim(), Long.parseLong(entry.substring(eq + 1).trim()));
        } catch (NumberFormatException e) {
          // someone else's edit: ignored, the reports and Leases raise it again
        }
      }
    }
    return epochs;
  }

  /** The annotation's value for {@code epochs}. */
  public static String format(Map<String, Long> epochs) {
    List<String> entries = new ArrayList<>();
    new TreeMap<>(epochs).forEach((group, epoch) -> entries.add(group + "=" + epoch));
    return String.join(",", entries);
  }

  /** The recorded epochs raised by what the agents report having seen. */
  public static Map<String, Long> withReports(
      Map<String, Long> recorded, List<HAPairNode> reports) {
    Map<String, Long> epochs = new TreeMap<>(recorded);
    for (HAPairNode report : reports) {
      if (report.getStatus() == null || report.getStatus().getGroups() == null) {
        continue;
      }
      for (GroupReport g : report.getStatus().getGroups()) {
        long seen = Math.max(orZero(g.getEpoch()), orZero(g.getHighestEpoch()));
        if (g.getName() != null && seen > 0) {
          epochs.merge(g.getName(), seen, Math::max);
        }
      }
    }
    return epochs;
  }

  /**
   * One line per group whose Lease is older than the highest epoch known for it.
   *
   * @param known the recorded epochs raised by the reports (not by the Leases themselves)
   * @param leases each group's Lease epoch, for the groups whose Lease exists
   */
  public static List<String> rollbacks(Map<String, Long> known, Map<String, Long> leases) {
    List<String> problems = new ArrayList<>();
    new TreeMap<>(leases)
        .forEach(
            (group, epoch) -> {
              long highest = known.getOrDefault(group, 0L);
              if (epoch < highest) {
                problems.add(
                    "group "
                        + group
                        + ": the witness Lease is at epoch "
                        + epoch
                        + ", older than epoch "
                        + highest
                        + " already recorded (a restored backup?); automation is stopped: follow"
                        + " the runbook (restores) before anything else");
              }
            });
    return problems;
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
