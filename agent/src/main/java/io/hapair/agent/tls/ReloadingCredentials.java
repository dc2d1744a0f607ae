package io.hapair.agent.tls;

import io.hapair.common.tls.PairCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A certificate, its key and the trusted CAs ({@code ca-cert.pem}, which may hold several: old and
 * new during a CA rotation) read from a pair's PEM files, and read again at a handshake when the
 * files have changed. A new connection therefore gets the renewed certificate without a restart; an
 * established connection keeps the session it negotiated.
 *
 * <p>Files that do not fit together (a certificate written but not yet its key, an unreadable file)
 * are not used: the last good set stays in use, and the next handshake tries again.
 */
final class ReloadingCredentials {
  private static final Logger log = LoggerFactory.getLogger(ReloadingCredentials.class);

  /** Aliases of earlier sets, kept so a handshake that chose one can still fetch its key. */
  private static final int KEPT = 4;

  private final Path dir;
  private final String certFile;
  private final String keyFile;
  private final String logPrefix;
  private final Map<String, Material> byAlias =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Material> eldest) {
          return size() > KEPT;
        }
      };
  private Material current;
  private byte[] refused;
  private int generation;

  /** One consistent set of files. */
  private record Material(
      String alias,
      byte[] digest,
      X509Certificate[] chain,
      PrivateKey key,
      X509ExtendedTrustManager trust) {}

  /**
   * @throws IOException when the files are missing or unusable now: nothing to start with
   */
  ReloadingCredentials(Path dir, String certFile, String keyFile, String logPrefix)
      throws IOException {
    this.dir = dir;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.logPrefix = logPrefix;
    byte[][] files = readFiles();
    install(load(files, digest(files)));
  }

  /** The material for a new handshake: re-read if the files changed and fit together. */
  synchronized Material current() {
    byte[][] files;
    try {
      files = readFiles();
    } catch (IOException e) {
      warnOnce(null, "cannot read the TLS files in " + dir + ": " + e.getMessage());
      return current;
    }
    byte[] digest = digest(files);
    if (Arrays.equals(digest, current.digest()) || Arrays.equals(digest, refused)) {
      return current;
    }
    try {
      install(load(files, digest));
      refused = null;
      log.info(
          "{}: TLS files in {} changed: new connections get certificate serial {} (valid until {})",
          logPrefix,
          dir,
          current.chain()[0].getSerialNumber().toString(16),
          current.chain()[0].getNotAfter().toInstant());
    } catch (IOException e) {
      warnOnce(digest, "keeping the previous TLS certificate: " + e.getMessage());
    }
    return current;
  }

  private synchronized Material byAlias(String alias) {
    return alias == null ? null : byAlias.get(alias);
  }

  private void install(Material material) {
    current = material;
    byAlias.put(material.alias(), material);
  }

  private void warnOnce(byte[] digest, String message) {
    if (digest == null || !Arrays.equals(digest, refused)) {
      log.warn("{}: {}", logPrefix, message);
    }
    refused = digest;
  }

  private byte[][] readFiles() throws IOException {
    return new byte[][] {
      Files.readAllBytes(dir.resolve(PairCertificates.CA_CERT)),
      Files.readAllBytes(dir.resolve(certFile)),
      Files.readAllBytes(dir.resolve(keyFile))
    };
  }

  private static byte[] digest(byte[][] files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] file : files) {
        sha.update(file);
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private Material load(byte[][] files, byte[] digest) throws IOException {
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      List<X509Certificate> cas = new ArrayList<>();
      try (InputStream in = new ByteArrayInputStream(files[0])) {
        x509.generateCertificates(in).forEach(c -> cas.add((X509Certificate) c));
      }
      if (cas.isEmpty()) {
        throw new IOException(PairCertificates.CA_CERT + " holds no certificate");
      }
      X509Certificate cert;
      try (InputStream in = new ByteArrayInputStream(files[1])) {
        cert = (X509Certificate) x509.generateCertificate(in);
      }
      PrivateKey key = readKey(new String(files[2], StandardCharsets.US_ASCII));
      if (!belongTogether(cert, key)) {
        throw new IOException(keyFile + " is not the key of " + certFile);
      }
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      List<X509Certificate> chain = new ArrayList<>(List.of(cert));
      for (int i = 0; i < cas.size(); i++) {
        trusted.setCertificateEntry("ca-" + i, cas.get(i));
        if (chain.size() == 1
            && cas.get(i).getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
          chain.add(cas.get(i));
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      X509ExtendedTrustManager trust = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager extended) {
          trust = extended;
        }
      }
      if (trust == null) {
        throw new IOException("the JVM offers no X.509 trust manager");
      }
      return new Material(
          "pair-" + ++generation, digest, chain.toArray(X509Certificate[]::new), key, trust);
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS credentials in " + dir + " are unusable: " + e.getMessage(), e);
    }
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean belongTogether(X509Certificate cert, PrivateKey key)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448: the key's own scheme
        };
    byte[] probe = "hapair key check".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(cert.getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }

  private static PrivateKey readKey(String pem) throws IOException {
    try (Reader reader = new StringReader(pem);
        PEMParser parser = new PEMParser(reader)) {
      Object parsed = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (parsed instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (parsed instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException("no private key in the key file");
    }
  }

  /** Offers the current certificate to each new handshake, as client or server. */
  X509ExtendedKeyManager keyManager() {
    return new X509ExtendedKeyManager() {
      private String alias(String keyType) {
        Material m = current();
        return keyType == null || keyType.equals(m.key().getAlgorithm()) ? m.alias() : null;
      }

      private String anyAlias(String[] keyTypes) {
        if (keyTypes == null) {
          return alias(null);
        }
        for (String keyType : keyTypes) {
          String alias = alias(keyType);
          if (alias != null) {
            return alias;
          }
        }
        return null;
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
      }

      @Override
      public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return anyAlias(keyTypes);
      }

      @Override
      public String chooseEngineClientAlias(
          String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return anyAlias(keyTypes);
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return getClientAliases(keyType, issuers);
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
      }

      @Override
      public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine e) {
        return alias(keyType);
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        Material m = byAlias(alias);
        return m == null ? null : m.chain().clone();
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        Material m = byAlias(alias);
        return m == null ? null : m.key();
      }
    };
  }

  /** Checks the peer against the CAs of the current files. */
  X509ExtendedTrustManager trustManager() {
    return new X509ExtendedTrustManager() {
      private X509ExtendedTrustManager trust() {
        return current().trust();
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        trust().checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        trust().checkServerTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        trust().checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        trust().checkServerTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        trust().checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        trust().checkServerTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return trust().getAcceptedIssuers();
      }
    };
  }
}
