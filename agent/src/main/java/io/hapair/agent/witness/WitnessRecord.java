package io.hapair.agent.witness;

import java.util.Set;
import java.util.TreeSet;

/**
 * The witness record of one service group: who leads (the primary of {@code epoch}) and whose data
 * is current. Changed only by compare-and-swap of the whole record.
 *
 * @param version an opaque token of the stored copy (a Lease's resourceVersion)
 */
public record WitnessRecord(
    String pairUid, long epoch, String primary, Set<String> upToDate, String version) {

  public WitnessRecord {
    upToDate = Set.copyOf(upToDate);
  }

  public boolean isUpToDate(String node) {
    return upToDate.contains(node);
  }

  public WitnessRecord withoutUpToDate(String node) {
    Set<String> nodes = new TreeSet<>(upToDate);
    nodes.remove(node);
    return new WitnessRecord(pairUid, epoch, primary, nodes, version);
  }

  public WitnessRecord withUpToDate(String node) {
    Set<String> nodes = new TreeSet<>(upToDate);
    nodes.add(node);
    return new WitnessRecord(pairUid, epoch, primary, nodes, version);
  }

  /** The next term, led by {@code node}, whose data alone is current from now on. */
  public WitnessRecord promoted(String node) {
    return new WitnessRecord(pairUid, epoch + 1, node, Set.of(node), version);
  }
}
