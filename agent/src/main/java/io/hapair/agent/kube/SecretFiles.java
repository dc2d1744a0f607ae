package io.hapair.agent.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.hapair.api.spec.PairObjects;
import io.hapair.common.tls.PairCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes the pair's Secret to files under the pair's state directory, readable by the agent only:
 * the replication key and the NBD export's certificates, where the standalone code reads them.
 */
final class SecretFiles {
  private static final List<String> TLS_FILES =
      List.of(
          PairCertificates.CA_CERT,
          PairCertificates.SERVER_CERT,
          PairCertificates.SERVER_KEY,
          PairCertificates.CLIENT_CERT,
          PairCertificates.CLIENT_KEY);

  private SecretFiles() {}

  /** The key file and the TLS directory. */
  record Written(Path keyFile, Path tlsDir) {}

  /**
   * @param tls the TLS files, base64 by file name (see {@link PairTls})
   */
  static Written write(Secret secret, Map<String, String> tls, Path pairDir) throws IOException {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    if (!data.containsKey(PairObjects.REPLICATION_KEY)) {
      throw new IOException(
          "Secret " + secret.getMetadata().getName() + " has no " + PairObjects.REPLICATION_KEY);
    }
    Path dir = Files.createDirectories(pairDir.resolve("secret"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path key = dir.resolve(PairObjects.REPLICATION_KEY);
    writePrivate(key, Base64.getDecoder().decode(data.get(PairObjects.REPLICATION_KEY)));
    return new Written(key, writeTls(tls, dir));
  }

  /**
   * Writes the TLS files given (base64 by file name; those present) into {@code secret/tls} under
   * the pair's directory. The CA bundle goes first, so a reader that sees a new certificate already
   * trusts its issuer; each file is replaced atomically, and a reader that sees a certificate
   * without its new key yet keeps the previous set (see {@code ReloadingCredentials}).
   */
  static Path writeTls(Map<String, String> data, Path secretDir) throws IOException {
    Path tls = Files.createDirectories(secretDir.resolve("tls"));
    for (String file : TLS_FILES) {
      if (data.containsKey(file)) {
        writePrivate(tls.resolve(file), Base64.getDecoder().decode(data.get(file)));
      }
    }
    return tls;
  }

  private static void writePrivate(Path file, byte[] content) throws IOException {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(temp, content);
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
  }
}
