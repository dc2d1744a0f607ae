package io.hapair.agent.vip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel settings the virtual IP modes rely on (docs/how-to/install.md, ARP settings). The
 * agent sets those of interfaces it creates; the host's own it only checks, since /proc/sys is
 * read-only in most containers and they are the administrator's.
 */
final class Sysctls {
  private static final Logger log = LoggerFactory.getLogger(Sysctls.class);
  private static final Path ROOT = Path.of("/proc/sys");

  private Sysctls() {}

  static void set(String key, String value) {
    try {
      Files.writeString(ROOT.resolve(key), value);
    } catch (IOException e) {
      log.warn("cannot set {} = {} ({}): set it on the host", key.replace('/', '.'), value, e);
    }
  }

  /**
   * Warns when the parent of a virtual MAC would answer ARP for the VIP with its own MAC
   * (arp_ignore below 1) or source ARP requests from the VIP (arp_announce below 2). The kernel
   * uses the higher of the "all" and the interface value.
   */
  static void warnUnlessArpStrict(String parent) {
    int ignore = Math.max(read("net/ipv4/conf/all/arp_ignore"), read(conf(parent, "arp_ignore")));
    int announce =
        Math.max(read("net/ipv4/conf/all/arp_announce"), read(conf(parent, "arp_announce")));
    if (ignore < 1 || announce < 2) {
      log.warn(
          "{} has arp_ignore {} and arp_announce {}: with a virtual MAC set"
              + " net.ipv4.conf.all.arp_ignore=1 and net.ipv4.conf.all.arp_announce=2, or clients"
              + " may learn the node's own MAC for the virtual IP",
          parent,
          ignore,
          announce);
    }
  }

  private static String conf(String iface, String key) {
    return "net/ipv4/conf/" + iface + "/" + key;
  }

  private static int read(String key) {
    try {
      return Integer.parseInt(Files.readString(ROOT.resolve(key)).trim());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
