package io.hapair.agent.tls;

import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** SSLContexts from a pair's PEM files (see {@link PairCertificates}). */
public final class TlsContexts {
  private TlsContexts() {}

  /** The NBD server's context: its certificate, and clients must present one from the pair CA. */
  public static SSLContext server(Path dir) throws IOException {
    return context(dir, PairCertificates.SERVER_CERT, PairCertificates.SERVER_KEY);
  }

  /** A client's context (tests, tools). */
  public static SSLContext client(Path dir) throws IOException {
    return context(dir, PairCertificates.CLIENT_CERT, PairCertificates.CLIENT_KEY);
  }

  private static SSLContext context(Path dir, String certFile, String keyFile) throws IOException {
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      Certificate ca;
      Certificate cert;
      try (InputStream in = Files.newInputStream(dir.resolve(PairCertificates.CA_CERT))) {
        ca = x509.generateCertificate(in);
      }
      try (InputStream in = Files.newInputStream(dir.resolve(certFile))) {
        cert = x509.generateCertificate(in);
      }
      PrivateKey key = readKey(dir.resolve(keyFile));
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("key", key, new char[0], new Certificate[] {cert, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS credentials in " + dir + " are unusable: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file);
        PEMParser parser = new PEMParser(reader)) {
      Object pem = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (pem instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (pem instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + " holds no private key");
    }
  }
}
