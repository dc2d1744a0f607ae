package io.hapair.agent.tls;

import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * SSLContexts from a pair's PEM files (see {@link PairCertificates}). The files are read again when
 * they change (see {@link ReloadingCredentials}): renewed certificates reach new connections
 * without a restart, and connections already established are left alone.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** The NBD server's context: its certificate, and clients must present one from the pair CA. */
  public static SSLContext server(Path dir, String logPrefix) throws IOException {
    return context(
        new ReloadingCredentials(
            dir, PairCertificates.SERVER_CERT, PairCertificates.SERVER_KEY, logPrefix));
  }

  /** The NBD server's context, logging as "tls". */
  public static SSLContext server(Path dir) throws IOException {
    return server(dir, "tls");
  }

  /** A client's context (tests, tools). */
  public static SSLContext client(Path dir) throws IOException {
    return context(
        new ReloadingCredentials(
            dir, PairCertificates.CLIENT_CERT, PairCertificates.CLIENT_KEY, "tls client"));
  }

  private static SSLContext context(ReloadingCredentials credentials) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(
          new KeyManager[] {credentials.keyManager()},
          new TrustManager[] {credentials.trustManager()},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("no TLS 1.3 in this JVM: " + e.getMessage(), e);
    }
  }
}
