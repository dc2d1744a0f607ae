package io.hapair.operator.resources;

import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a pair's certificates move on without a CA key kept anywhere. Each CA signs one set of server
 * and client certificates when it is made, and its key is dropped (see {@link
 * PairCertificates#create(String, List, Instant)}). At half of the current certificates' life the
 * operator <em>publishes</em>: a new CA goes into {@code ca-cert.pem} next to the current one, and
 * the certificates it signed wait in the Secret under {@code next-*}. {@link #PUBLISHED_BEFORE_USE}
 * later it <em>switches</em>: the waiting certificates become the ones the server and clients
 * present. Clients that fetch {@code ca-cert.pem} within that time never see a certificate they do
 * not trust, and the old CA stays trusted until it expires with the certificates it signed.
 */
final class CertificateRotation {
  /** Prefix of the Secret keys holding the certificates that wait for the switch. */
  static final String NEXT = "next-";

  static final List<String> LEAF_FILES =
      List.of(
          PairCertificates.SERVER_CERT,
          PairCertificates.SERVER_KEY,
          PairCertificates.CLIENT_CERT,
          PairCertificates.CLIENT_KEY);

  /**
   * How long a new CA is trusted before certificates it signed are used: clients' time to fetch.
   */
  static final Duration PUBLISHED_BEFORE_USE = PairCertificates.LEAF_VALIDITY.dividedBy(6);

  /** The latest switch: a day before the current certificates expire, however late the publish. */
  static final Duration SWITCH_MARGIN = Duration.ofDays(1);

  enum Step {
    PUBLISH,
    SWITCH
  }

  record Due(Step step, Instant at) {}

  private CertificateRotation() {}

  /**
   * The next step for a Secret whose server certificate is {@code current} and whose waiting one is
   * {@code waiting} (null if none).
   */
  static Due due(X509Certificate current, X509Certificate waiting) {
    Instant from = current.getNotBefore().toInstant();
    Instant until = current.getNotAfter().toInstant();
    if (waiting == null) {
      Duration life = Duration.between(from, until);
      if (life.compareTo(PairCertificates.LEAF_VALIDITY.plus(PairCertificates.BACKDATE)) > 0) {
        return new Due(Step.PUBLISH, from); // issued before lifetimes were bounded: at once
      }
      return new Due(Step.PUBLISH, from.plus(life.dividedBy(2)));
    }
    Instant published = waiting.getNotBefore().toInstant().plus(PairCertificates.BACKDATE);
    Instant use = published.plus(PUBLISHED_BEFORE_USE);
    Instant latest = until.minus(SWITCH_MARGIN);
    return new Due(Step.SWITCH, use.isBefore(latest) ? use : latest);
  }

  /**
   * The TLS files (PEM by name) after publishing {@code issued} (a new CA and its certificates):
   * the new CA first in {@code ca-cert.pem}, then the CA of the current certificates while it is
   * valid (older CAs are dropped: nothing in use chains to them); the new certificates under {@link
   * #NEXT}.
   */
  static Map<String, String> publish(
      Map<String, String> files, Map<String, String> issued, Instant now) throws IOException {
    X509Certificate current =
        PairCertificates.readCertificate(files.get(PairCertificates.SERVER_CERT));
    StringBuilder bundle = new StringBuilder(issued.get(PairCertificates.CA_CERT));
    for (X509Certificate ca :
        PairCertificates.readCertificates(files.get(PairCertificates.CA_CERT))) {
      if (valid(ca, now) && issued(ca, current)) {
        bundle.append(PairCertificates.pem(ca));
      }
    }
    Map<String, String> next = new TreeMap<>(files);
    next.put(PairCertificates.CA_CERT, bundle.toString());
    for (String file : LEAF_FILES) {
      next.put(NEXT + file, issued.get(file));
    }
    return next;
  }

  /**
   * The TLS files after the switch: the waiting certificates in use, no {@link #NEXT} files, the
   * expired CAs out of {@code ca-cert.pem}.
   */
  static Map<String, String> switchOver(Map<String, String> files, Instant now) throws IOException {
    Map<String, String> next = new TreeMap<>(files);
    for (String file : LEAF_FILES) {
      String waiting = next.remove(NEXT + file);
      if (waiting == null) {
        throw new IOException("no " + NEXT + file + " to switch to");
      }
      next.put(file, waiting);
    }
    StringBuilder bundle = new StringBuilder();
    for (X509Certificate ca :
        PairCertificates.readCertificates(files.get(PairCertificates.CA_CERT))) {
      if (valid(ca, now)) {
        bundle.append(PairCertificates.pem(ca));
      }
    }
    next.put(PairCertificates.CA_CERT, bundle.toString());
    return next;
  }

  private static boolean valid(X509Certificate ca, Instant now) {
    return now.isBefore(ca.getNotAfter().toInstant());
  }

  private static boolean issued(X509Certificate ca, X509Certificate cert) {
    if (!ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
      return false;
    }
    try {
      cert.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
