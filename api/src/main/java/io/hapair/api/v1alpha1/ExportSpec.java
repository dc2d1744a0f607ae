package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The NBD export of the volume, served by the primary only. */
@ValidationRule(
    value =
        "!has(self.tls) || self.tls == 'Required' || (has(self.bind) && self.bind =="
            + " 'Loopback')",
    message = "spec.export.tls may be Disabled only with bind: Loopback",
    fieldPath = ".tls")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExportSpec {

  @Default("10809")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("TCP port of the NBD server (10809 is NBD's registered port).")
  private Integer port;

  @Default("VirtualIP")
  @JsonPropertyDescription(
      "Where the export listens. VirtualIP (default): on the service group's virtual IPs, with"
          + " TLS. Loopback: on 127.0.0.1 of the primary node only, for local consumers.")
  private Bind bind;

  @Default("Required")
  @JsonPropertyDescription(
      "Required (default): NBD STARTTLS with the pair's certificate, client certificates from"
          + " the pair's CA. Disabled: plain NBD, allowed only with bind: Loopback.")
  private Tls tls;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Client networks (CIDRs) allowed to connect. Empty: any client holding a certificate.")
  private List<@Pattern(Patterns.CIDR) String> allowedClients;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Bind getBind() {
    return bind;
  }

  public void setBind(Bind bind) {
    this.bind = bind;
  }

  public Tls getTls() {
    return tls;
  }

  public void setTls(Tls tls) {
    this.tls = tls;
  }

  public List<String> getAllowedClients() {
    return allowedClients;
  }

  public void setAllowedClients(List<String> allowedClients) {
    this.allowedClients = allowedClients;
  }

  public enum Bind {
    VirtualIP,
    Loopback
  }

  public enum Tls {
    Required,
    Disabled
  }
}
