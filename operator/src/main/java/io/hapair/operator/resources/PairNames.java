package io.hapair.operator.resources;

import io.hapair.api.spec.PairObjects;
import io.hapair.api.v1alpha1.HAPair;
import io.hapair.api.v1alpha1.HAPairNode;

/** Names and labels of what the operator makes for a pair in the install namespace. */
public final class PairNames {
  /** Label on the pair's Secret and Leases: {@code <namespace>.<name>} of the HAPair. */
  public static final String PAIR_LABEL = HAPairNode.PAIR_LABEL;

  /** Label on a Node that runs an agent (the DaemonSet's node selector). */
  public static final String AGENT_NODE_LABEL = "hapair.io/agent";

  private PairNames() {}

  public static String secret(HAPair pair) {
    return secret(pair.getMetadata().getNamespace(), pair.getMetadata().getName());
  }

  /** The pair's Secret: replication key and the NBD export's certificates. */
  public static String secret(String pairNamespace, String pairName) {
    return PairObjects.secretName(pairNamespace, pairName);
  }

  public static String pairLabel(HAPair pair) {
    return HAPairNode.pairLabel(pair.getMetadata().getNamespace(), pair.getMetadata().getName());
  }
}
