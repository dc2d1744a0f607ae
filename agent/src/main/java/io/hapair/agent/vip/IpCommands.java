package io.hapair.agent.vip;

import io.hapair.api.spec.Cidr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link InterfaceOps} through iproute2's {@code ip} and iputils' {@code arping}, each bounded by a
 * timeout. (Netlink would avoid a fork per renewal; renewals are every few hundred ms, so the fork
 * is affordable for now.)
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
    if (address.isIpv4()) {
      // arping sends at once, then lingers about a second for answers nobody sends to a
      // gratuitous ARP: start it and let it end on its own (bounded) instead of waiting.
      Process arping =
          new ProcessBuilder(
                  "arping", "-q", "-U", "-c", "1", "-I", iface, address.address().getHostAddress())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      arping
          .onExit()
          .orTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
          .exceptionally(
              timedOut -> {
                arping.destroyForcibly();
                return arping;
              });
    }
    // IPv6: the kernel sends an unsolicited neighbour advertisement when the address is added
    // (ndisc_notify); a userspace sender is still to come.
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
