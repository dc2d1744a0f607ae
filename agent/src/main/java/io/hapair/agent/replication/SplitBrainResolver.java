package io.hapair.agent.replication;

import io.hapair.agent.meta.Role;
import io.hapair.api.v1alpha1.HAPairSpec.SplitBrainPolicy;

/**
 * Whose changes an automatic split-brain policy discards. Only ever the node that is not the
 * current primary: a policy that would pick the current primary (or a case with no primary) falls
 * back to Manual. Pure.
 */
public final class SplitBrainResolver {
  public enum Victim {
    /** Nobody: stop and wait for a person. */
    NONE,
    LOCAL,
    PEER
  }

  /** One side as the handshake describes it. */
  public record Side(Role role, long highestEpoch, long changedRegions) {}

  private SplitBrainResolver() {}

  public static Victim victim(SplitBrainPolicy policy, Side local, Side peer) {
    if (policy == null || policy == SplitBrainPolicy.Manual) {
      return Victim.NONE;
    }
    boolean localPrimary = local.role() == Role.PRIMARY;
    if (localPrimary == (peer.role() == Role.PRIMARY)) {
      return Victim.NONE; // none or both primary: nothing tells which data is current
    }
    Side primary = localPrimary ? local : peer;
    Side secondary = localPrimary ? peer : local;
    boolean discardSecondary =
        switch (policy) {
          // The younger primary is the one that led last: if that is the secondary, discard it.
          case DiscardYoungerPrimary -> secondary.highestEpoch() > primary.highestEpoch();
          case DiscardLeastChanges -> secondary.changedRegions() <= primary.changedRegions();
          case Manual -> false;
        };
    if (!discardSecondary) {
      return Victim.NONE;
    }
    return localPrimary ? Victim.PEER : Victim.LOCAL;
  }
}
