package io.hapair.operator.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.api.v1alpha1.FailoverRecord;
import io.hapair.api.v1alpha1.HAPairStatus;
import io.hapair.api.v1alpha1.HAPairStatus.Phase;
import io.hapair.api.v1alpha1.ServiceGroupStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairEventsTest {

  static HAPairStatus status(String primary, long epoch, Phase phase, FailoverRecord takeover) {
    ServiceGroupStatus g = new ServiceGroupStatus();
    g.setName("db");
    g.setPrimary(primary);
    g.setEpoch(epoch);
    g.setPhase(phase);
    g.setLastFailover(takeover);
    HAPairStatus s = new HAPairStatus();
    s.setServiceGroups(List.of(g));
    return s;
  }

  static FailoverRecord takeover(String from, String to, String at) {
    FailoverRecord r = new FailoverRecord();
    r.setFrom(from);
    r.setTo(to);
    r.setStartedAt(at);
    return r;
  }

  @Test
  void aFirstPrimaryIsARoleChange() {
    assertThat(PairEvents.between(null, status("node-a", 1, Phase.Healthy, null)))
        .extracting(PairEvents.Change::reason)
        .containsExactly("PrimaryChanged");
  }

  @Test
  void aTakeoverIsAFailoverAndThePeerOutdated() {
    HAPairStatus before = status("node-a", 1, Phase.Healthy, null);
    HAPairStatus after =
        status("node-b", 2, Phase.Degraded, takeover("node-a", "node-b", "2026-11-25T10:00:00Z"));
    List<PairEvents.Change> changes = PairEvents.between(before, after);
    assertThat(changes)
        .extracting(PairEvents.Change::reason)
        .containsExactly("Failover", "PeerOutdated");
    assertThat(changes.get(0).type()).isEqualTo("Warning");
    assertThat(changes.get(0).message()).contains("node-b took over from node-a (epoch 2)");
  }

  @Test
  void resyncStartAndEndAreEvents() {
    HAPairStatus degraded = status("node-a", 1, Phase.Degraded, null);
    HAPairStatus syncing = status("node-a", 1, Phase.Syncing, null);
    HAPairStatus healthy = status("node-a", 1, Phase.Healthy, null);
    assertThat(PairEvents.between(degraded, syncing))
        .extracting(PairEvents.Change::reason)
        .containsExactly("ResyncStarted");
    assertThat(PairEvents.between(syncing, healthy))
        .extracting(PairEvents.Change::reason)
        .containsExactly("ResyncFinished");
  }

  @Test
  void nothingChangedIsNoEvent() {
    HAPairStatus healthy = status("node-a", 1, Phase.Healthy, null);
    assertThat(PairEvents.between(healthy, status("node-a", 1, Phase.Healthy, null))).isEmpty();
  }
}
