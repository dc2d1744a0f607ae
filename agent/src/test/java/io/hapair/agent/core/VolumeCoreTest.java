package io.hapair.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hapair.agent.core.Event.WitnessOutcome;
import io.hapair.agent.meta.DiskState;
import io.hapair.agent.meta.Generations;
import io.hapair.agent.meta.Role;
import io.hapair.agent.witness.WitnessRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Scenarios of one core driven by hand, event by event: the shape a newcomer reads before the
 * simulator. Metadata writes complete at once; everything else is answered by the test.
 */
class VolumeCoreTest {
  private static final long MS = 1_000_000;
  private static final Generations G = new Generations(7, 0, 0, 0);
  private static final WitnessRecord BOTH =
      new WitnessRecord("uid", 1, "a", Set.of("a", "b"), "v1");

  private final VolumeCore core = new VolumeCore(config());
  private long now = 1_000 * MS;
  private long ids = 100;

  private CoreConfig config() {
    return new CoreConfig(
        "uid",
        "b",
        "a",
        16,
        20 * MS,
        100 * MS,
        150 * MS,
        250 * MS,
        80 * MS,
        3,
        2_000 * MS,
        true,
        () -> ids++,
        Set.of());
  }

  /** Handles {@code e}; metadata writes complete at once; returns every other command. */
  private List<Command> on(Event e) {
    List<Command> out = new ArrayList<>();
    for (Command c : core.handle(now, e)) {
      if (c instanceof Command.PersistState p) {
        out.addAll(on(new Event.DiskDone(p.op(), null)));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  private static <T extends Command> T only(List<Command> out, Class<T> type) {
    List<T> found = out.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName() + " in " + out).hasSize(1);
    return found.get(0);
  }

  private static boolean has(List<Command> out, Class<? extends Command> type) {
    return out.stream().anyMatch(type::isInstance);
  }

  /** b boots, waits out T, and takes epoch 2 from a record listing it. */
  private void becomePrimary() {
    on(new Event.Start(new DurableState(0, 1, DiskState.UP_TO_DATE, G, Set.of(), Set.of(), true)));
    now += 250 * MS;
    Command.AskWitness read = only(on(new Event.Timer()), Command.AskWitness.class);
    Command.AskWitness cas =
        only(
            on(new Event.WitnessAnswer(read.nonce(), WitnessOutcome.OK, BOTH)),
            Command.AskWitness.class);
    assertThat(cas.proposed().epoch()).isEqualTo(2);
    assertThat(cas.proposed().upToDate()).containsExactly("b");
    List<Command> out =
        on(
            new Event.WitnessAnswer(
                cas.nonce(),
                WitnessOutcome.OK,
                new WitnessRecord("uid", 2, "b", Set.of("b"), "v2")));
    assertThat(only(out, Command.TakeVip.class).epoch()).isEqualTo(2);
  }

  @Test
  void aBootingNodeCountsItsBootAsAGrantAndWaitsBeforeAskingTheWitness() {
    on(new Event.Start(new DurableState(0, 1, DiskState.UP_TO_DATE, G, Set.of(), Set.of(), true)));
    now += 240 * MS;
    assertThat(has(on(new Event.Timer()), Command.AskWitness.class)).isFalse();
    now += 10 * MS;
    assertThat(has(on(new Event.Timer()), Command.AskWitness.class)).isTrue();
  }

  @Test
  void aLostPeerHoldsWritesUntilTheOutdateCasAndTheCasAlwaysWrites() {
    becomePrimary();
    on(new Event.LinkUp(5));
    on(
        new Event.PeerFrame(
            new Frame(
                5,
                0,
                2,
                new PeerMessage.Hello(
                    "uid", "a", Role.SECONDARY, 0, 2, DiskState.UP_TO_DATE, G, Set.of()))));
    List<Command> write = on(new Event.ClientWrite(1, 0, new byte[16], false));
    Command.DiskWrite disk = only(write, Command.DiskWrite.class);
    assertThat(on(new Event.DiskDone(disk.op(), null))).noneMatch(Command.Reply.class::isInstance);

    List<Command> lost = on(new Event.LinkDown(5, "cut"));
    Command.AskWitness read = only(lost, Command.AskWitness.class);
    assertThat(read.isRead()).isTrue();
    // The record already shows a outdated: fencing writes a new version anyway.
    WitnessRecord outdated = new WitnessRecord("uid", 2, "b", Set.of("b"), "v2");
    Command.AskWitness cas =
        only(
            on(new Event.WitnessAnswer(read.nonce(), WitnessOutcome.OK, outdated)),
            Command.AskWitness.class);
    assertThat(cas.isRead()).isFalse();
    assertThat(cas.expected()).isEqualTo(outdated);

    // A late answer to nothing this node asked changes nothing.
    assertThat(on(new Event.WitnessAnswer(4242, WitnessOutcome.OK, outdated))).isEmpty();

    List<Command> fenced =
        on(
            new Event.WitnessAnswer(
                cas.nonce(),
                WitnessOutcome.OK,
                new WitnessRecord("uid", 2, "b", Set.of("b"), "v3")));
    Command.Reply reply = only(fenced, Command.Reply.class);
    assertThat(reply.ok()).isTrue();
    assertThat(core.state().outOfSync()).contains(0);
  }

  @Test
  void aReplayedFrameClosesTheLinkAndANewerEpochAtTheWitnessMakesThePrimaryStepDown() {
    becomePrimary();
    on(new Event.LinkUp(5));
    Frame hello =
        new Frame(
            5,
            0,
            2,
            new PeerMessage.Hello(
                "uid", "a", Role.SECONDARY, 0, 2, DiskState.UP_TO_DATE, G, Set.of()));
    on(new Event.PeerFrame(hello));
    List<Command> replayed = on(new Event.PeerFrame(hello));
    assertThat(only(replayed, Command.CloseLink.class).reason())
        .contains("frame number 0 where 1 was due");
    assertThat(core.wantsLink()).as("no new link while fencing").isFalse();

    Command.AskWitness read = only(replayed, Command.AskWitness.class);
    WitnessRecord taken = new WitnessRecord("uid", 3, "a", Set.of("a"), "v9");
    List<Command> out = on(new Event.WitnessAnswer(read.nonce(), WitnessOutcome.OK, taken));
    assertThat(core.role()).isEqualTo(Role.SECONDARY);
    assertThat(core.allowedToServe(now)).isFalse();
    assertThat(only(out, Command.ReleaseVip.class).why()).isNotBlank();
    assertThat(core.state().highestSeen()).isEqualTo(3);
  }

  @Test
  void aPrimaryStopsServingWhenItsLeaseLapsesAndAnswersReadsWithAnError() {
    becomePrimary();
    assertThat(core.allowedToServe(now)).isTrue();
    now += 150 * MS; // the lease from the promotion CAS, never renewed (the witness is silent)
    assertThat(core.allowedToServe(now)).isFalse();
    Command.Reply reply = only(on(new Event.ClientRead(9, 0, 16)), Command.Reply.class);
    assertThat(reply.ok()).isFalse();
    assertThat(reply.error()).contains("lease lapsed");
  }
}
