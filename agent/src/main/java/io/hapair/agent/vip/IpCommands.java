package io.hapair.agent.vip;

import io.hapair.api.spec.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link InterfaceOps} through iproute2's {@code ip}, iputils' {@code arping} and ipv6toolkit's
 * {@code na6}, each bounded by a timeout. (Netlink would avoid a fork per renewal; renewals are
 * every few hundred ms, so the fork is affordable for now.)
 */
public final class IpCommands implements InterfaceOps {
  private static final long TIMEOUT_MILLIS = 2000;

  @Override
  public void addOrRenew(String iface, Cidr address, int lifetimeSeconds) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "ip",
                "address",
                "replace",
                address.toString(),
                "dev",
                iface,
                "valid_lft",
                Integer.toString(lifetimeSeconds),
                "preferred_lft",
                Integer.toString(lifetimeSeconds)));
    if (!address.isIpv4()) {
      command.add("nodad"); // both nodes never hold it at once; duplicate detection only delays
    }
    run(command);
  }

  /**
   * keepalived's use_vmac: a private-mode macvlan, no IPv6 link-local address (it would be a second
   * owner of the MAC's traffic), and on it arp_ignore 1 (answer only for its own addresses),
   * arp_announce 2, arp_filter 0, accept_local 1 and rp_filter 0 (replies may leave by the parent).
   */
  @Override
  public void ensureVmac(String parent, String name, String mac) throws IOException {
    if (!hasLink(name)) {
      run(
          List.of(
              "ip", "link", "add", "link", parent, "name", name, "address", mac, "type", "macvlan",
              "mode", "private"));
      run(List.of("ip", "link", "set", "dev", name, "addrgenmode", "none"));
      for (String[] setting :
          new String[][] {
            {"arp_ignore", "1"},
            {"arp_announce", "2"},
            {"arp_filter", "0"},
            {"accept_local", "1"},
            {"rp_filter", "0"}
          }) {
        Sysctls.set("net/ipv4/conf/" + name + "/" + setting[0], setting[1]);
      }
      Sysctls.warnUnlessArpStrict(parent);
    }
    run(List.of("ip", "link", "set", "dev", name, "up"));
  }

  @Override
  public boolean hasLink(String name) {
    try {
      run(List.of("ip", "-o", "link", "show", "dev", name));
      return true;
    } catch (IOException e) {
      return false; // "Device does not exist"
    }
  }

  @Override
  public void removeLink(String name) throws IOException {
    run(List.of("ip", "link", "del", "dev", name));
  }

  @Override
  public void remove(String iface, Cidr address) throws IOException {
    run(List.of("ip", "address", "del", address.toString(), "dev", iface));
  }

  @Override
  public boolean has(String iface, Cidr address) throws IOException {
    String out = run(List.of("ip", "-o", "address", "show", "dev", iface));
    return out.contains(
        " " + address.address().getHostAddress() + "/" + address.prefixLength() + " ");
  }

  @Override
  public void announce(String iface, Cidr address) throws IOException {
    String ip = address.address().getHostAddress();
    if (address.isIpv4()) {
      // A gratuitous ARP request (-U), once.
      startBounded(List.of("arping", "-q", "-U", "-c", "1", "-I", iface, ip));
    } else {
      // An unsolicited neighbour advertisement to all nodes, with the override flag and this
      // interface's MAC as the target link-layer address (RFC 4861 7.2.6), by na6 (Debian's
      // ipv6toolkit): the JVM cannot send ICMPv6 itself.
      startBounded(List.of("na6", "-i", iface, "-s", ip, "-d", "ff02::1", "-t", ip, "-o", "-e"));
    }
  }

  /**
   * Starts an announcement and lets it end on its own, bounded: arping lingers about a second for
   * answers nobody sends to a gratuitous ARP, and waiting would delay the next announcement.
   */
  private static void startBounded(List<String> command) throws IOException {
    Process sender =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    sender
        .onExit()
        .orTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .exceptionally(
            timedOut -> {
              sender.destroyForcibly();
              return sender;
            });
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + ": no answer in " + TIMEOUT_MILLIS + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.trim());
    }
    return out;
  }
}
