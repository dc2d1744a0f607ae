package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Two nodes, one replicated disk and the virtual IPs that follow its primary. */
@Group(HAPair.GROUP)
@Version(HAPair.VERSION)
@ShortNames("hap")
@Plural("hapairs")
@AdditionalPrinterColumn(
    name = "Primary",
    jsonPath = ".status.primary",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "VIP",
    jsonPath = ".spec.virtualIPs[0].address",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Sync",
    jsonPath = ".status.sync",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class HAPair extends CustomResource<HAPairSpec, HAPairStatus> implements Namespaced {
  public static final String GROUP = "hapair.io";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription(
      "The desired pair: two nodes, the replicated volume, its NBD export and the virtual IPs"
          + " that follow the primary.")
  public HAPairSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "What the operator and the agents observed: phase, primary, epoch, per-node state,"
          + " conditions and the last failover.")
  public HAPairStatus getStatus() {
    return super.getStatus();
  }
}
