package io.hapair.api.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The label the operator puts on a HAPair for each node it names, so that an agent can watch only
 * the pairs of its own node: {@code node.hapair.io/<node>}. A node name too long for a label's name
 * part (63 characters) is replaced by a hash of it.
 */
public final class NodeLabels {
  public static final String PREFIX = "node.hapair.io/";

  private NodeLabels() {}

  public static String forNode(String node) {
    if (node.length() <= 63) {
      return PREFIX + node;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
      return PREFIX + "sha256-" + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
