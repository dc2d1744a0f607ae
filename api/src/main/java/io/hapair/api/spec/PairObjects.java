package io.hapair.api.spec;

/**
 * Names the operator and the agents must agree on: the pair's Secret and its keys, and the
 * annotations a person sets on a HAPair to ask for a switchover or a forced promotion.
 */
public final class PairObjects {
  /** The Secret's key holding the replication link's shared key. */
  public static final String REPLICATION_KEY = "replication-key";

  /** Annotation naming the node that should take the primary role. */
  public static final String SWITCHOVER_ANNOTATION = "hapair.io/switchover-to";

  /** Annotation asking for a forced promotion (see {@link ForcePromoteRequest}). */
  public static final String FORCE_PROMOTE_ANNOTATION = "hapair.io/force-promote";

  private PairObjects() {}

  /** The pair's Secret in the install namespace: replication key and NBD certificates. */
  public static String secretName(String pairNamespace, String pairName) {
    return "hapair-" + pairNamespace + "-" + pairName;
  }
}
