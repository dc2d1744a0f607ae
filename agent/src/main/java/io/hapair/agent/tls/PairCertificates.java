package io.hapair.agent.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A pair's own certificate authority, the NBD server's certificate (valid for the pair's virtual
 * IPs and names) and a client certificate, as PEM files in the layout that libnbd ({@code
 * tls-certificates=DIR}) and qemu ({@code tls-creds-x509,dir=DIR}) read.
 */
public final class PairCertificates {
  public static final String CA_CERT = "ca-cert.pem";
  public static final String SERVER_CERT = "server-cert.pem";
  public static final String SERVER_KEY = "server-key.pem";
  public static final String CLIENT_CERT = "client-cert.pem";
  public static final String CLIENT_KEY = "client-key.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Provider BC = new BouncyCastleProvider();

  private PairCertificates() {}

  /**
   * Writes a new CA, server and client certificate into {@code dir}.
   *
   * @param serverNames DNS names and IP literals the server certificate is valid for
   */
  public static void generate(Path dir, String pairName, List<String> serverNames)
      throws IOException {
    try {
      Files.createDirectories(dir);
      KeyPair ca = keyPair();
      X500Name caName = new X500Name("CN=hapair CA " + pairName);
      X509Certificate caCert = sign(caName, ca, caName, ca, true, List.of(), null);
      KeyPair server = keyPair();
      X509Certificate serverCert =
          sign(
              new X500Name("CN=hapair " + pairName),
              server,
              caName,
              ca,
              false,
              serverNames,
              KeyPurposeId.id_kp_serverAuth);
      KeyPair client = keyPair();
      X509Certificate clientCert =
          sign(
              new X500Name("CN=hapair client " + pairName),
              client,
              caName,
              ca,
              false,
              List.of(),
              KeyPurposeId.id_kp_clientAuth);
      write(dir.resolve(CA_CERT), caCert, false);
      write(dir.resolve(SERVER_CERT), serverCert, false);
      write(dir.resolve(SERVER_KEY), server.getPrivate(), true);
      write(dir.resolve(CLIENT_CERT), clientCert, false);
      write(dir.resolve(CLIENT_KEY), client.getPrivate(), true);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("could not create the pair's certificates: " + e.getMessage(), e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    // BouncyCastle's EC keys encode their curve and public key inside the private key, which
    // GnuTLS (libnbd, qemu) requires; the JDK's encoding leaves them out.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      KeyPair issuerKeys,
      boolean isCa,
      List<String> names,
      KeyPurposeId purpose)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            subjectKeys.getPublic());
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    builder.addExtension(
        Extension.subjectKeyIdentifier,
        false,
        utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
    if (isCa) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }
    if (!names.isEmpty()) {
      List<GeneralName> alternatives = new ArrayList<>();
      for (String name : names) {
        alternatives.add(
            name.matches("^[0-9a-fA-F:.]+$") && (name.contains(":") || name.matches("^[0-9.]+$"))
                ? new GeneralName(
                    GeneralName.iPAddress, InetAddress.getByName(name).getHostAddress())
                : new GeneralName(GeneralName.dNSName, name));
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(alternatives.toArray(GeneralName[]::new)));
    }
    ContentSigner signer =
        new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static void write(Path file, Object pem, boolean secret) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(pem instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : pem);
    }
    Files.writeString(file, text.toString());
    if (secret) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
