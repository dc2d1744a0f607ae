package io.hapair.api.spec;

import java.net.InetSocketAddress;

/** "host:port" and "[v6]:port" as written in configs and on command lines. */
public final class HostPorts {
  private HostPorts() {}

  /** The address, without resolving anything but a literal host. */
  public static InetSocketAddress parse(String text) {
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\" is not host:port");
    }
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" has no numeric port", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("\"" + text + "\": port out of range");
    }
    return host.matches("^[0-9a-fA-F:.]+$")
        ? new InetSocketAddress(IpAddresses.parse(host), port)
        : new InetSocketAddress(host, port);
  }
}
