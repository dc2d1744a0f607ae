package io.hapair.agent.vip;

import io.hapair.api.spec.Cidr;
import java.io.IOException;

/** What the virtual IP needs of the operating system; tests can supply their own. */
public interface InterfaceOps {

  /** Adds the address, or renews its lifetime if it is there (the kernel drops it after that). */
  void addOrRenew(String iface, Cidr address, int lifetimeSeconds) throws IOException;

  void remove(String iface, Cidr address) throws IOException;

  boolean has(String iface, Cidr address) throws IOException;

  /** One gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6). */
  void announce(String iface, Cidr address) throws IOException;

  /**
   * Makes the macvlan {@code name} with MAC {@code mac} on {@code parent} exist and be up, with no
   * link-local address of its own and the ARP settings a virtual MAC needs.
   */
  void ensureVmac(String parent, String name, String mac) throws IOException;

  boolean hasLink(String name) throws IOException;

  void removeLink(String name) throws IOException;
}
