package io.hapair.api.v1alpha1;

/**
 * Regular expressions used in the CRD schema. They catch typos early; the operator parses addresses
 * properly and reports what a pattern cannot express.
 */
public final class Patterns {
  private Patterns() {}

  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A short DNS label: service group names become export and Lease name parts. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$";

  private static final String IPV4 =
      "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
          + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

  /** Loose on purpose: hex groups and colons, at least one "::" or seven colons. */
  private static final String IPV6 = "[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}";

  public static final String IP_ADDRESS = "^(" + IPV4 + "|" + IPV6 + ")$";

  public static final String CIDR =
      "^("
          + IPV4
          + "/([0-9]|[12][0-9]|3[0-2])|"
          + IPV6
          + "/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))$";

  /** A Go-style duration with one or more units: 100ms, 1s, 1m30s. */
  public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

  /** A Kubernetes quantity of bytes: 10Gi, 500M, 1073741824. */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$";
}
