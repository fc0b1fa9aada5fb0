package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.DrivenDecider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamletteDeciderTest {

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {4, 7, 10, 16})
    void synchronousAllHonestDecidesInThreeTicks(int n) {
        Harness h = new Harness(new Fixture(n));
        int phases = h.runUntilDecided(40);
        assertThat(phases).as("phases to decide: three ticks of two phases").isBetween(5, 6);
        for (int i = 0; i < n; i++) {
            assertThat(h.decided[i].sameOutcome(h.decided[0])).isTrue();
            assertThat(h.nodes[i].currentTick()).isBetween(2L, 3L);
            assertThat(new StreamletteProvider().verifyDecision(h.f.committee, h.f.crypto, h.decided[i])).isTrue();
        }
        assertThat(new String(h.decided[0].value())).isEqualTo("value-" + h.f.leader(0));
    }

    @Test
    void aDecidedNodeKeepsServingStopsVotingAndNeverChanges() {
        Harness h = new Harness(new Fixture(4));
        h.down[3] = true;
        assertThat(h.runUntilDecided(60)).isPositive();
        Decision first = h.decided[0];
        String dotBefore = h.nodes[0].toDot();
        for (int k = 0; k < 10; k++) {
            h.phase();
        }
        assertThat(h.nodes[0].toDot()).as("no new proposals or votes after deciding").isEqualTo(dotBefore);
        assertThat(h.nodes[0].poll()).isEmpty();
        // the laggard comes back and catches up by pulling from decided nodes
        h.down[3] = false;
        for (int k = 0; k < 4 && h.decided[3] == null; k++) {
            h.phase();
        }
        assertThat(h.decided[3]).isNotNull();
        assertThat(h.decided[3].sameOutcome(first)).isTrue();
    }

    @Test
    void validateIsAskedBeforeVotingAndARejectedValueIsNeverDecided() {
        Fixture f = new Fixture(4);
        List<String> asked = new ArrayList<>();
        DrivenDecider[] nodes = new DrivenDecider[4];
        Harness h = new Harness(f);
        for (int i = 0; i < 4; i++) {
            int me = i;
            Application app = new Application() {
                public Optional<byte[]> propose() {
                    return Optional.of(("value-" + me).getBytes());
                }

                public boolean validate(byte[] v) {
                    asked.add(new String(v));
                    return !new String(v).equals("value-" + f.leader(0));
                }
            };
            nodes[i] = Fixture.drive(new DeciderConfig(f.instance, f.committee, f.keys[i],
                    f.crypto, Doubles.memoryStorage(), app, i, Map.of()));
            h.nodes[i] = nodes[i];
        }
        assertThat(h.runUntilDecided(200)).isPositive();
        assertThat(asked).contains("value-" + f.leader(0));
        for (Decision d : h.decided) {
            assertThat(new String(d.value())).isNotEqualTo("value-" + f.leader(0));
        }
    }

    @Test
    void aRestartedLeaderNeverSignsASecondProposalForItsTick() {
        Fixture f = new Fixture(4);
        int leader = f.leader(0);
        Storage store = Doubles.memoryStorage();
        DrivenDecider d = Fixture.drive(f.config(leader, store, "first"));
        d.tick(); // phase 0 of tick 0: proposes "first", durable before it can be pulled
        String before = d.toDot();
        assertThat(before).contains("P t=0");
        d.close();
        DrivenDecider again = Fixture.drive(f.config(leader, store, "second"));
        assertThat(again.toDot()).as("reloaded its tree").isEqualTo(before);
        again.tick();
        again.tick();
        assertThat(again.toDot()).doesNotContain("votes 0 (w=0)\", style").contains("P t=0");
        assertThat(countOccurrences(again.toDot(), "P t=0")).isEqualTo(1);
        assertThat(again.faults().isEmpty()).isTrue();
    }

    @Test
    void aRestartedVoterNeverVotesTwiceInOneTick() {
        Fixture f = new Fixture(4);
        int leader = f.leader(0);
        int voter = (leader + 1) % 4;
        Storage store = Doubles.memoryStorage();
        DrivenDecider d = Fixture.drive(f.config(voter, store, "x"));
        Message a = f.proposal(leader, 0, "a");
        d.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(a))));
        assertThat(d.toDot()).contains("votes 1 (w=1)");
        d.close();
        DrivenDecider again = Fixture.drive(f.config(voter, store, "x"));
        Message b = f.proposal(leader, 0, "b"); // the leader equivocates after our restart
        try {
            again.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(b))));
        } catch (RuntimeException expected) {
            // equivocation is reported
        }
        again.tick();
        again.tick();
        assertThat(again.toDot()).as("still exactly one vote of ours: for a")
                .containsOnlyOnce("votes 1 (w=1)");
    }

    @Test
    void signingASecondLeaderMessageInATickTripsTheAssertion() {
        Fixture f = new Fixture(4);
        int leader = f.leader(0);
        StreamletteDecider d = new StreamletteDecider(f.config(leader, Doubles.memoryStorage(), "first"), Mutations.NONE);
        d.tick(); // phase 0 of tick 0: signs its proposal
        assertThat(d.toDot()).contains("P t=0");
        // no input gets an honest node past its checks, so the test asks it to sign a second proposal directly
        Message second = new Message.Proposal(f.instance, 0, "second".getBytes(), f.ids[leader], new byte[0]);
        assertThatThrownBy(() -> d.signOwn(0, second)).isInstanceOf(AssertionError.class)
                .hasMessage("Streamlette would sign a second leader message in tick 0 of instance unit");
    }

    @Test
    void signingASecondVoteInATickTripsTheAssertion() {
        Fixture f = new Fixture(4);
        int leader = f.leader(0);
        int voter = (leader + 1) % 4;
        StreamletteDecider d = new StreamletteDecider(f.config(voter, Doubles.memoryStorage(), "x"), Mutations.NONE);
        Message a = f.proposal(leader, 0, "a");
        d.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(a))));
        assertThat(d.toDot()).as("voted for a").contains("votes 1 (w=1)");
        Message b = f.proposal(leader, 0, "b"); // the leader equivocates
        Message vote = new Message.Vote(f.instance, f.hash(b), f.ids[voter], new byte[0]);
        assertThatThrownBy(() -> d.signOwn(0, vote)).isInstanceOf(AssertionError.class)
                .hasMessage("Streamlette would sign a second vote in tick 0 of instance unit");
    }

    @Test
    void ownVotesAreWrittenAtOnceAndPeersMessagesWaitForTheNextWrite() {
        Fixture f = new Fixture(4);
        int leader = f.leader(0);
        int voter = (leader + 1) % 4;
        int other = (leader + 2) % 4;
        CountingStorage store = new CountingStorage(Doubles.memoryStorage());
        DrivenDecider d = Fixture.drive(f.config(voter, store, "x"));
        Message a = f.proposal(leader, 0, "a");
        d.onResponse(f.ids[leader], Wire.diff(List.of(Wire.encode(a))));
        assertThat(store.writes).as("our vote commits us: written before the response returns").isEqualTo(1);
        d.onResponse(f.ids[other], Wire.diff(List.of(Wire.encode(f.vote(other, a)))));
        assertThat(d.toDot()).contains("votes 2 (w=2)");
        assertThat(store.writes).as("a peer's vote commits us to nothing: it waits").isEqualTo(1);
        d.tick(); // the phase ends
        assertThat(store.writes).as("the phase's end writes what waited").isEqualTo(2);
        d.tick();
        int afterTicks = store.writes;
        d.close();
        DrivenDecider again = Fixture.drive(f.config(voter, store, "x"));
        assertThat(again.toDot()).as("both votes were written").contains("votes 2 (w=2)");
        assertThat(again.currentTick()).isEqualTo(d.currentTick());
        assertThat(afterTicks).isEqualTo(3);
    }

    /** Counts durable writes. */
    private static final class CountingStorage extends ForwardingStorage {
        int writes;

        CountingStorage(Storage inner) {
            super(inner);
        }

        @Override
        public void write(WriteBatch batch) {
            writes++;
            super.write(batch);
        }
    }

    @Test
    void damagedStateInStorageIsAStorageErrorNotWrongBehaviour() {
        Fixture f = new Fixture(4);
        Storage store = Doubles.memoryStorage();
        DrivenDecider d = Fixture.drive(f.config(f.leader(0), store, "v"));
        d.tick();
        d.close();
        for (Storage.Entry e : store.scan(new byte[0])) {
            byte[] broken = e.value().clone();
            broken[broken.length / 2] ^= 0x40;
            store.write(new WriteBatch().put(e.key(), broken));
        }
        assertThatThrownBy(() -> Fixture.drive(f.config(f.leader(0), store, "v")))
                .isInstanceOf(StorageException.class).hasMessageContaining("Streamlette");
    }

    @Test
    void aDifferentFinalizedValueIsFatalWithEvidence() {
        Fixture f = new Fixture(4);
        Harness h = new Harness(f);
        assertThat(h.runUntilDecided(40)).isPositive();
        // nodes 1, 2 and 3 (more than a third) also sign a conflicting finalized chain at ticks 0, 1, 2
        List<byte[]> forged = new ArrayList<>();
        Message prev = null;
        for (long t = 0; t < 3; t++) {
            Message m = prev == null ? f.proposal(f.leader(0), 0, "evil") : f.solicit(f.leader(t), t, prev);
            forged.add(Wire.encode(m));
            for (int v = 1; v <= 3; v++) {
                forged.add(Wire.encode(f.vote(v, m)));
            }
            prev = m;
        }
        assertThatThrownBy(() -> h.nodes[0].onResponse(f.ids[1], Wire.diff(forged)))
                .isInstanceOfSatisfying(FatalConsensusException.class, e -> assertThat(e.evidence())
                        .extracting(Fault::offender).containsExactlyInAnyOrder(f.ids[1], f.ids[2], f.ids[3]));
    }

    private static int countOccurrences(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void proofsVerifyOnlyWhenIntact() {
        Harness h = new Harness(new Fixture(4));
        h.runUntilDecided(40);
        Decision d = h.decided[0];
        StreamletteProvider p = new StreamletteProvider();
        assertThat(p.verifyDecision(h.f.committee, h.f.crypto, d)).isTrue();
        byte[] proof = d.proof();
        for (int i = 2; i < proof.length; i += 7) {
            byte[] bad = proof.clone();
            bad[i] ^= 1;
            assertThat(p.verifyDecision(h.f.committee, h.f.crypto,
                    new Decision(d.instance(), 0, d.value(), bad))).as("flip at %d", i).isFalse();
        }
        assertThat(p.verifyDecision(h.f.committee, h.f.crypto,
                new Decision(d.instance(), 0, "other".getBytes(), proof))).isFalse();
        assertThat(p.verifyDecision(h.f.committee, h.f.crypto,
                new Decision(d.instance(), 1, d.value(), proof))).isFalse();
        assertThat(p.verifyDecision(new Fixture(5).committee, h.f.crypto, d)).as("another committee").isFalse();
        assertThat(new FaultLog().isEmpty()).isTrue();
    }
}
