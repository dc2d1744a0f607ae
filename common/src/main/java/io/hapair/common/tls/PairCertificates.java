package io.hapair.common.tls;

import java.io.IOException;
import java.io.StringReader;
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
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
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

  /**
   * How long the operator's certificates are valid: the CA and the server and client certificates
   * it signs alike, since each CA signs one set of leaves only (see the operator's rotation).
   */
  public static final Duration LEAF_VALIDITY = Duration.ofDays(365);

  /** How long standalone certificates ({@code hapair-agent certs}, not renewed) are valid. */
  public static final Duration STANDALONE_VALIDITY = Duration.ofDays(3650);

  /** Backdating against clock skew between the operator and the clients. */
  public static final Duration BACKDATE = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Provider BC = new BouncyCastleProvider();

  private PairCertificates() {}

  /**
   * Writes a new CA, server and client certificate into {@code dir} (keys readable by the owner
   * only).
   *
   * @param serverNames DNS names and IP literals the server certificate is valid for
   */
  public static void generate(Path dir, String pairName, List<String> serverNames)
      throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : create(pairName, serverNames).entrySet()) {
      Path target = dir.resolve(file.getKey());
      Files.writeString(target, file.getValue());
      if (file.getKey().endsWith("-key.pem")) {
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  /**
   * A new CA, server and client certificate with their keys, valid {@link #STANDALONE_VALIDITY}, as
   * PEM text by file name ({@link #CA_CERT} and the others): for standalone pairs.
   */
  public static Map<String, String> create(String pairName, List<String> serverNames)
      throws IOException {
    return create(pairName, serverNames, Instant.now(), STANDALONE_VALIDITY);
  }

  /**
   * A new CA and the server and client certificates it signs, all valid {@link #LEAF_VALIDITY} from
   * {@code now}, as PEM text by file name. The CA's private key is used for these two signatures
   * and then dropped: it is never returned, stored or sent anywhere, so nobody can mint another
   * certificate the pair trusts.
   */
  public static Map<String, String> create(String pairName, List<String> serverNames, Instant now)
      throws IOException {
    return create(pairName, serverNames, now, LEAF_VALIDITY);
  }

  private static Map<String, String> create(
      String pairName, List<String> serverNames, Instant now, Duration validity)
      throws IOException {
    try {
      KeyPair ca = keyPair();
      X500Name caName = caName(pairName);
      X509Certificate caCert =
          sign(caName, ca.getPublic(), caName, ca, true, List.of(), null, now, validity);
      Map<String, String> files =
          new TreeMap<>(leaves(pairName, serverNames, caName, ca, now, validity));
      files.put(CA_CERT, pem(caCert));
      return files;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("could not create the pair's certificates: " + e.getMessage(), e);
    }
  }

  /** The first certificate in {@code pem}. */
  public static X509Certificate readCertificate(String pem) throws IOException {
    List<X509Certificate> all = readCertificates(pem);
    if (all.isEmpty()) {
      throw new IOException("no certificate in the PEM text");
    }
    return all.get(0);
  }

  /** Every certificate in {@code pem} (a CA bundle), in order. */
  public static List<X509Certificate> readCertificates(String pem) throws IOException {
    List<X509Certificate> all = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          all.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
      return all;
    } catch (GeneralSecurityException e) {
      throw new IOException("unreadable certificate: " + e.getMessage(), e);
    }
  }

  /** A certificate as PEM text. */
  public static String pem(X509Certificate cert) throws IOException {
    return pem((Object) cert);
  }

  private static X500Name caName(String pairName) {
    // A name of its own for every CA: during a rotation the old and the new CA are trusted
    // together, and TLS stacks (the JDK's PKIX, GnuTLS) pick a certificate's issuer by name.
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    return new X500Name("CN=hapair CA " + pairName + " " + HexFormat.of().formatHex(id));
  }

  private static Map<String, String> leaves(
      String pairName,
      List<String> serverNames,
      X500Name caName,
      KeyPair ca,
      Instant now,
      Duration validity)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair server = keyPair();
    X509Certificate serverCert =
        sign(
            new X500Name("CN=hapair " + pairName),
            server.getPublic(),
            caName,
            ca,
            false,
            serverNames,
            KeyPurposeId.id_kp_serverAuth,
            now,
            validity);
    KeyPair client = keyPair();
    X509Certificate clientCert =
        sign(
            new X500Name("CN=hapair client " + pairName),
            client.getPublic(),
            caName,
            ca,
            false,
            List.of(),
            KeyPurposeId.id_kp_clientAuth,
            now,
            validity);
    Map<String, String> files = new TreeMap<>();
    files.put(SERVER_CERT, pem(serverCert));
    files.put(SERVER_KEY, pem(server.getPrivate()));
    files.put(CLIENT_CERT, pem(clientCert));
    files.put(CLIENT_KEY, pem(client.getPrivate()));
    return files;
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
      PublicKey subjectKey,
      X500Name issuer,
      KeyPair issuerKeys,
      boolean isCa,
      List<String> names,
      KeyPurposeId purpose,
      Instant now,
      Duration validity)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, RANDOM),
            Date.from(now.minus(BACKDATE)),
            Date.from(now.plus(validity)),
            subject,
            subjectKey);
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    builder.addExtension(
        Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
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

  private static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(
          object instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : object);
    }
    return text.toString();
  }
}
