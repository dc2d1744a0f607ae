package io.hapair.operator.status;

import io.hapair.api.v1alpha1.HAPairNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the operator knows about a running pair beyond its spec: the agents' reports and the
 * problems it found with the pair's witness records and placement.
 *
 * @param reports the pair's HAPairNode objects (current UID only)
 * @param witnessProblems one line per group whose witness record is missing or foreign
 * @param witnessSharingFate the pair's nodes that also serve the API server (the witness)
 * @param currentByGroup per group, the nodes the witness record lists as current (groups whose
 *     record is unknown are absent)
 * @param witnessRollbacks one line per group whose Lease is older than an epoch already recorded
 */
public record PairFacts(
    List<HAPairNode> reports,
    List<String> witnessProblems,
    List<String> witnessSharingFate,
    Map<String, Set<String>> currentByGroup,
    List<String> witnessRollbacks) {

  public PairFacts(
      List<HAPairNode> reports,
      List<String> witnessProblems,
      List<String> witnessSharingFate,
      Map<String, Set<String>> currentByGroup) {
    this(reports, witnessProblems, witnessSharingFate, currentByGroup, List.of());
  }

  public PairFacts(
      List<HAPairNode> reports, List<String> witnessProblems, List<String> witnessSharingFate) {
    this(reports, witnessProblems, witnessSharingFate, Map.of());
  }

  public static PairFacts none() {
    return new PairFacts(List.of(), List.of(), List.of());
  }
}
