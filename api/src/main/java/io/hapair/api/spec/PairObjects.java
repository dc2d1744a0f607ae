package io.hapair.api.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names the operator and the agents must agree on: the pair's objects in the install namespace (its
 * Secret, witness Leases and per-node reports), the label values that select them, and the
 * annotations a person sets on a HAPair to ask for a switchover or a forced promotion.
 *
 * <p>Object names end with a hash of the parts they are made of, so no two pairs share a name
 * ({@code team-db/main} and {@code team/db-main} joined by dashes collide), and are cut to the API
 * server's limits; the readable head is only for people. Label values stay readable ({@code
 * <namespace>.<pair>}: a namespace has no dots) while they fit in 63 characters, and are cut and
 * hashed the same way beyond.
 */
public final class PairObjects {
  /** The Secret's key holding the replication link's shared key. */
  public static final String REPLICATION_KEY = "replication-key";

  /** Annotation naming the node that should take the primary role. */
  public static final String SWITCHOVER_ANNOTATION = "hapair.io/switchover-to";

  /** When the operator first saw the switchover request (RFC 3339), set by the operator. */
  public static final String SWITCHOVER_SEEN_AT_ANNOTATION = "hapair.io/switchover-seen-at";

  /** How long a request annotation stays valid after the operator first saw it. */
  public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(60);

  /** Annotation asking for a forced promotion (see {@link ForcePromoteRequest}). */
  public static final String FORCE_PROMOTE_ANNOTATION = "hapair.io/force-promote";

  /** Label on the pair's Secret (and annotation on its Leases): the owning HAPair's UID. */
  public static final String PAIR_UID = "hapair.io/pair-uid";

  /** Annotations on the pair's Secret and Leases naming the HAPair, for mapping them back. */
  public static final String PAIR_NAMESPACE = "hapair.io/pair-namespace";

  public static final String PAIR_NAME = "hapair.io/pair-name";

  /** A DNS-1123 subdomain's limit: the names of Secrets, Leases and custom objects. */
  public static final int NAME_MAX = 253;

  /** A label value's limit. */
  public static final int LABEL_VALUE_MAX = 63;

  private static final int HASH_CHARS = 10;

  private PairObjects() {}

  /** The pair's Secret in the install namespace: replication key and NBD certificates. */
  public static String secretName(String pairNamespace, String pairName) {
    return hashed("hapair-" + pairNamespace + "-" + pairName, NAME_MAX, pairNamespace, pairName);
  }

  /**
   * Annotation on the pair's Secret naming the Secret in the same namespace that holds the NBD
   * certificates when cert-manager issues them ({@code tls.crt}, {@code tls.key}, {@code ca.crt}).
   */
  public static final String TLS_SECRET_ANNOTATION = "hapair.io/tls-secret";

  /** The cert-manager Certificate of a pair, and the Secret cert-manager writes for it. */
  public static String tlsSecretName(String pairNamespace, String pairName) {
    return hashed(
        "hapair-tls-" + pairNamespace + "-" + pairName, NAME_MAX, pairNamespace, pairName);
  }

  /** The witness Lease of one service group. */
  public static String leaseName(String pairNamespace, String pairName, String group) {
    return hashed(
        "hapair-" + pairNamespace + "-" + pairName + "-" + group,
        NAME_MAX,
        pairNamespace,
        pairName,
        group);
  }

  /** A node's report (HAPairNode) about one pair. */
  public static String reportName(String pairNamespace, String pairName, String node) {
    return hashed(
        pairNamespace + "." + pairName + "." + node, NAME_MAX, pairNamespace, pairName, node);
  }

  /** The value of the pair label: {@code <namespace>.<name>}, hashed beyond 63 characters. */
  public static String pairLabel(String pairNamespace, String pairName) {
    return labelValue(pairNamespace + "." + pairName);
  }

  /** {@code value} as a label value: itself if it fits, else a cut and hashed form. */
  public static String labelValue(String value) {
    return value.length() <= LABEL_VALUE_MAX ? value : hashed(value, LABEL_VALUE_MAX, value);
  }

  /** The Secret's name before names were hashed (issue 17): adopted on upgrade if it is ours. */
  public static String legacySecretName(String pairNamespace, String pairName) {
    return "hapair-" + pairNamespace + "-" + pairName;
  }

  /** A Lease's name before names were hashed: kept on upgrade if it holds this pair's UID. */
  public static String legacyLeaseName(String pairNamespace, String pairName, String group) {
    return "hapair-" + pairNamespace + "-" + pairName + "-" + group;
  }

  /** A report's name before names were hashed: removed by its agent if it is its own. */
  public static String legacyReportName(String pairNamespace, String pairName, String node) {
    return pairNamespace + "." + pairName + "." + node;
  }

  /**
   * {@code readable}, cut so that {@code -<hash>} fits in {@code max}, then {@code -<hash>}: the
   * first 10 hex digits of the SHA-256 of the parts joined by "/" (a character no part can hold).
   */
  static String hashed(String readable, int max, String... parts) {
    String hash = sha256(String.join("/", parts)).substring(0, HASH_CHARS);
    String head = readable.substring(0, Math.min(readable.length(), max - HASH_CHARS - 1));
    // A name or label value must end in an alphanumeric before the dash.
    while (!head.isEmpty() && !Character.isLetterOrDigit(head.charAt(head.length() - 1))) {
      head = head.substring(0, head.length() - 1);
    }
    return head.toLowerCase(Locale.ROOT) + "-" + hash;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
