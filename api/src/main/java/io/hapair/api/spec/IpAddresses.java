package io.hapair.api.spec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses IP literals without ever doing a DNS lookup. */
public final class IpAddresses {
  private static final Pattern IPV4 =
      Pattern.compile(
          "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

  private IpAddresses() {}

  /** An IPv4 or IPv6 literal; anything else (a host name, a typo) is an error, never a lookup. */
  public static InetAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an IP address is required");
    }
    if (IPV4.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        bytes[i] = (byte) Integer.parseInt(parts[i]);
      }
      return byAddress(bytes, text);
    }
    if (text.indexOf(':') >= 0 && text.matches("^[0-9a-fA-F:.]+$")) {
      try {
        // A string with a colon is always parsed as an IPv6 literal, never resolved.
        InetAddress address = InetAddress.getByName(text);
        if (address instanceof Inet6Address) {
          return address;
        }
      } catch (UnknownHostException e) {
        // fall through to the error below
      }
    }
    throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
  }

  private static InetAddress byAddress(byte[] bytes, String text) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address", e);
    }
  }
}
