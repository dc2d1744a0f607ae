package io.hapair.agent.volume;

import io.hapair.api.v1alpha1.VerifyAlgorithm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/** Per-region checksums for online verify: CRC32C (4 bytes) or SHA-256 (32 bytes) per region. */
final class RegionDigests {
  private RegionDigests() {}

  static int size(VerifyAlgorithm algorithm) {
    return algorithm == VerifyAlgorithm.SHA256 ? 32 : 4;
  }

  /** The digests of the consecutive regions in {@code data}, concatenated. */
  static byte[] of(ByteBuffer data, int regionSize, VerifyAlgorithm algorithm) {
    int regions = (data.remaining() + regionSize - 1) / regionSize;
    ByteBuffer out = ByteBuffer.allocate(regions * size(algorithm));
    for (int r = 0; r < regions; r++) {
      ByteBuffer region = data.duplicate();
      region.position(data.position() + r * regionSize);
      region.limit(Math.min(data.limit(), region.position() + regionSize));
      if (algorithm == VerifyAlgorithm.SHA256) {
        try {
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          sha.update(region);
          out.put(sha.digest());
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      } else {
        CRC32C crc = new CRC32C();
        crc.update(region);
        out.putInt((int) crc.getValue());
      }
    }
    return out.array();
  }
}
