package io.hapair.operator.resources;

/**
 * Where the pairs' NBD certificates come from: the operator's own CAs ({@link #builtin()}), or
 * cert-manager, through a {@code Certificate} per pair issued by the given issuer.
 *
 * @param issuerName the cert-manager issuer's name (cert-manager only)
 * @param issuerKind {@code Issuer} (in the install namespace) or {@code ClusterIssuer}
 * @param issuerGroup the issuer's API group, {@code cert-manager.io} for cert-manager's own
 */
public record CertificateSource(
    boolean certManager, String issuerName, String issuerKind, String issuerGroup) {

  public CertificateSource {
    if (certManager && (issuerName == null || issuerName.isBlank())) {
      throw new IllegalArgumentException("cert-manager certificates need an issuer name");
    }
  }

  /** The operator's own CAs, rotated by it. */
  public static CertificateSource builtin() {
    return new CertificateSource(false, null, null, null);
  }

  /** cert-manager, with the issuer the chart names. */
  public static CertificateSource certManager(String name, String kind, String group) {
    return new CertificateSource(true, name, kind, group);
  }

  @Override
  public String toString() {
    return certManager
        ? "cert-manager (" + issuerKind + " " + issuerName + "." + issuerGroup + ")"
        : "built-in CAs";
  }
}
