package io.hapair.api.spec;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An address with a prefix length, such as a virtual IP 192.0.2.10/24 or a client network. */
public record Cidr(InetAddress address, int prefixLength) {

  public static Cidr parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("\"" + text + "\" has no prefix length (/N)");
    }
    InetAddress address = IpAddresses.parse(text.substring(0, slash));
    int max = address instanceof Inet4Address ? 32 : 128;
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has no numeric prefix length", e);
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0.." + max);
    }
    return new Cidr(address, prefix);
  }

  public boolean isIpv4() {
    return address instanceof Inet4Address;
  }

  /** Whether the address lies in this network. */
  public boolean contains(InetAddress other) {
    byte[] network = address.getAddress();
    byte[] candidate = other.getAddress();
    if (network.length != candidate.length) {
      return false;
    }
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((network[bit / 8] & mask) != (candidate[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
