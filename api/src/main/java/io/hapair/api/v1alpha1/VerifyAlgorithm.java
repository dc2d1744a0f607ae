package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Checksums for online verify. */
public enum VerifyAlgorithm {
  @JsonProperty("crc32c")
  CRC32C,
  @JsonProperty("sha256")
  SHA256
}
