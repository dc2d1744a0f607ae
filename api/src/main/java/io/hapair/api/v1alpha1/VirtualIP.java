package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A virtual IP that follows the primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualIP {

  @Required
  @Size(max = 49)
  @Pattern(Patterns.CIDR)
  @JsonPropertyDescription(
      "The address with its prefix length, IPv4 (192.0.2.10/24) or IPv6 (2001:db8::10/64).")
  private String address;

  @Required
  @Size(min = 1, max = 15)
  @JsonPropertyDescription("The network interface on each node that carries the address.")
  private String iface;

  @Default("none")
  @JsonPropertyDescription(
      "none (default): the address moves between the nodes' own MACs and is announced with"
          + " gratuitous ARP. vmac: a macvlan with a VRRP-style MAC (00:00:5e:00:01:XX) moves"
          + " with it, so clients' ARP entries never change.")
  private MacMode mac;

  @Min(1)
  @Max(255)
  @JsonPropertyDescription(
      "With mac: vmac, the virtual router id: the MAC is 00:00:5e:00:01:<vrid> (IPv4) or"
          + " 00:00:5e:00:02:<vrid> (IPv6) and the macvlan is named hapv<vrid> (hap6v<vrid>). Unique per LAN"
          + " segment, as a VRRP VRID; addresses of one service group may share it, other groups"
          + " may not.")
  private Integer vrid;

  @JsonPropertyDescription("Gratuitous ARP / unsolicited NA announcements.")
  private GarpSpec garp;

  @JsonProperty("interface")
  public String getIface() {
    return iface;
  }

  @JsonProperty("interface")
  public void setIface(String iface) {
    this.iface = iface;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public MacMode getMac() {
    return mac;
  }

  public void setMac(MacMode mac) {
    this.mac = mac;
  }

  public Integer getVrid() {
    return vrid;
  }

  public void setVrid(Integer vrid) {
    this.vrid = vrid;
  }

  public GarpSpec getGarp() {
    return garp;
  }

  public void setGarp(GarpSpec garp) {
    this.garp = garp;
  }

  public enum MacMode {
    @JsonProperty("none")
    NONE,
    @JsonProperty("vmac")
    VMAC
  }
}
