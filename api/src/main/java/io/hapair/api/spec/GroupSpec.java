package io.hapair.api.spec;

import io.hapair.api.v1alpha1.ExportSpec;
import io.hapair.api.v1alpha1.FilesystemSpec;
import io.hapair.api.v1alpha1.HAPairSpec;
import io.hapair.api.v1alpha1.ServiceGroup;
import io.hapair.api.v1alpha1.VirtualIP;
import io.hapair.api.v1alpha1.VolumeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One service group, the unit of replication and failover, whichever mode wrote it: an
 * ActivePassive pair is one group named after the pair, an ActiveActive pair lists its groups.
 *
 * @param fieldPath where the group lives in the spec, for error messages ("spec" or
 *     "spec.serviceGroups[1]")
 */
public record GroupSpec(
    String name,
    String fieldPath,
    String preferredNode,
    VolumeSpec volume,
    ExportSpec export,
    FilesystemSpec filesystem,
    List<VirtualIP> virtualIPs) {

  public static List<GroupSpec> of(String pairName, HAPairSpec spec) {
    List<GroupSpec> groups = new ArrayList<>();
    if (spec.getMode() == HAPairSpec.Mode.ActiveActive) {
      List<ServiceGroup> serviceGroups =
          spec.getServiceGroups() == null ? List.of() : spec.getServiceGroups();
      for (int i = 0; i < serviceGroups.size(); i++) {
        ServiceGroup g = serviceGroups.get(i);
        groups.add(
            new GroupSpec(
                g.getName(),
                "spec.serviceGroups[" + i + "]",
                g.getPreferredNode(),
                g.getVolume(),
                g.getExport(),
                g.getFilesystem(),
                orEmpty(g.getVirtualIPs())));
      }
    } else {
      groups.add(
          new GroupSpec(
              pairName,
              "spec",
              spec.getPreferredPrimary(),
              spec.getVolume(),
              spec.getExport(),
              spec.getFilesystem(),
              orEmpty(spec.getVirtualIPs())));
    }
    return groups;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
