package io.hapair.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.hapair.api.spec.PairObjects;

/**
 * One node's facts about one pair, written by that node's agent only (one writer per object, as
 * MetalLB's ServiceL2Status and piraeus's satellite objects): the operator merges the two into the
 * HAPair's status. Lives in the install namespace, named {@code <namespace>.<pair>.<node>-<hash>}.
 */
@Group(HAPair.GROUP)
@Version(HAPair.VERSION)
@ShortNames("hapn")
@Plural("hapairnodes")
@AdditionalPrinterColumn(
    name = "Pair",
    jsonPath = ".spec.pairName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Node",
    jsonPath = ".spec.node",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Updated",
    jsonPath = ".status.updated",
    type = AdditionalPrinterColumn.Type.DATE)
public class HAPairNode extends CustomResource<HAPairNodeSpec, HAPairNodeStatus>
    implements Namespaced {

  /** Label naming the pair (its namespace and name, as {@code <namespace>.<name>}). */
  public static final String PAIR_LABEL = "hapair.io/pair";

  /** Label naming the node. */
  public static final String NODE_LABEL = "hapair.io/node";

  /** The object's name for one pair and node (see {@link PairObjects#reportName}). */
  public static String nameFor(String pairNamespace, String pairName, String node) {
    return PairObjects.reportName(pairNamespace, pairName, node);
  }

  /** The value of {@link #PAIR_LABEL} for a pair (see {@link PairObjects#pairLabel}). */
  public static String pairLabel(String pairNamespace, String pairName) {
    return PairObjects.pairLabel(pairNamespace, pairName);
  }

  @Override
  @JsonPropertyDescription("Which pair and node these facts are about.")
  public HAPairNodeSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("The node's facts, per service group, as its agent last wrote them.")
  public HAPairNodeStatus getStatus() {
    return super.getStatus();
  }
}
