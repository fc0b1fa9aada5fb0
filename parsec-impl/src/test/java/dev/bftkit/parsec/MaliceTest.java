package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Fault;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malice detection: each kind of misbehaviour by one of four peers is seen, accused, decided and the offender
 * removed; no honest peer is ever accused. Seeded: a failing seed replays with {@code -Dtest=MaliceTest}.
 */
class MaliceTest {

    static List<NodeId> honest(CoreNetwork net, NodeId bad) {
        return net.ids.stream().filter(id -> !id.equals(bad)).toList();
    }

    static void runUntilRemoved(CoreNetwork net, NodeId bad, String kind, long seed) {
        for (int s = 0; s < 400; s++) {
            net.step();
            if (honest(net, bad).stream().allMatch(h -> net.removed(h, bad))) {
                break;
            }
        }
        for (NodeId h : honest(net, bad)) {
            assertThat(net.removed(h, bad)).as("%s removed %s (seed %d)", h, bad, seed).isTrue();
            assertThat(net.decidedAccusations(h)).as("decided accusations at %s", h).contains("node3:" + kind);
            for (Fault f : net.faults.get(h)) {
                assertThat(f.offender()).as("only the offender is accused at %s: %s", h, f).isEqualTo(bad);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void a_forking_peer_is_accused_and_removed(long seed) {
        CoreNetwork net = new CoreNetwork(4, seed, false);
        NodeId bad = net.ids.get(3);
        for (int s = 0; s < 5; s++) {
            net.step();
        }
        net.twin(bad);
        runUntilRemoved(net, bad, "Fork", seed);
        for (NodeId h : honest(net, bad)) {
            assertThat(net.faults.get(h)).extracting(Fault::kind).contains(Fault.Kind.EQUIVOCATION);
        }
        // The remaining three still decide.
        net.voteEverywhere("after", honest(net, bad));
        for (int s = 0; s < 300 && !honest(net, bad).stream().allMatch(h -> net.decidedPayloads(h).contains("after")); s++) {
            net.step();
        }
        for (NodeId h : honest(net, bad)) {
            assertThat(net.decidedPayloads(h)).as("%s decides after the removal", h).contains("after");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {12})
    void a_peer_that_builds_on_a_fork_without_accusing_it_is_an_accomplice(long seed) {
        CoreNetwork net = new CoreNetwork(7, seed, false);
        NodeId forker = net.ids.get(5);
        NodeId accomplice = net.ids.get(6);
        for (int s = 0; s < 4; s++) {
            net.step();
        }
        net.twin(forker);
        net.core(accomplice).malice = null;
        List<NodeId> honest = net.ids.subList(0, 5);
        for (int s = 0; s < 300 && !honest.stream().allMatch(h -> net.removed(h, forker)); s++) {
            net.step();
        }
        for (NodeId h : honest) {
            assertThat(net.removed(h, forker)).as("%s removed the forker (seed %d)", h, seed).isTrue();
            assertThat(net.faults.get(h)).as("faults seen by %s", h)
                    .anyMatch(f -> f.offender().equals(accomplice) && f.kind() == Fault.Kind.ACCOMPLICE);
            assertThat(net.faults.get(h)).allMatch(f -> f.offender().equals(forker)
                    || f.offender().equals(accomplice));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5})
    void a_duplicate_vote_is_accused_and_the_voter_removed(long seed) {
        CoreNetwork net = new CoreNetwork(4, seed, false);
        NodeId bad = net.ids.get(3);
        ParsecCore c = net.core(bad);
        Observation twice = new Observation.Opaque("twice".getBytes(StandardCharsets.UTF_8));
        c.voteFor(twice);
        assertThatThrownBy(() -> c.voteFor(twice)).isInstanceOfSatisfying(ParsecError.class,
                e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.DUPLICATE_VOTE));
        c.addEvent(c.newObservationEvent(c.ourLastEvent(), twice));
        runUntilRemoved(net, bad, "DuplicateVote", seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {6, 7})
    void an_other_parent_by_the_same_creator_is_rejected_and_accused(long seed) {
        forgeRejectAndRemove(seed, "OtherParentBySameCreator", (net, bad, c) -> {
            Event last = c.graph.get(c.ourLastEvent());
            Event own = c.graph.get(c.peers.our().eventsAt(0)[0]);
            return new ParsecCore.Content(bad, Cause.REQUEST, last.hash, own.hash, null, null, new byte[0],
                    last.indexByCreator + 1);
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {9})
    void a_self_parent_by_another_creator_is_rejected_and_accused(long seed) {
        forgeRejectAndRemove(seed, "SelfParentByDifferentCreator", (net, bad, c) -> {
            Event someoneElses = c.graph.get(c.peers.get(c.peers.indexOf(net.ids.get(0))).lastEvent());
            return new ParsecCore.Content(bad, Cause.REQUESTING, someoneElses.hash, null, net.ids.get(1), null,
                    new byte[0], someoneElses.indexByCreator + 1);
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {10})
    void a_request_answering_no_requesting_is_rejected_and_accused(long seed) {
        forgeRejectAndRemove(seed, "InvalidRequest", (net, bad, c) -> {
            Event last = c.graph.get(c.ourLastEvent());
            // Its other-parent is an Observation (Genesis) of another peer, not a Requesting addressed to it.
            Event genesisVote = c.graph.get(c.peers.get(c.peers.indexOf(net.ids.get(0))).eventsAt(1)[0]);
            return new ParsecCore.Content(bad, Cause.REQUEST, last.hash, genesisVote.hash, null, null, new byte[0],
                    last.indexByCreator + 1);
        });
    }

    /** Builds the content of a bad event from the offender's graph. */
    private interface Forgery {
        ParsecCore.Content forge(CoreNetwork net, NodeId bad, ParsecCore offender);
    }

    /**
     * Runs a 4-peer network three steps, lets peer 3 sign the forged event, checks that every honest peer rejects
     * it and records a fault of the kind, then that the offender is accused and removed.
     */
    private static void forgeRejectAndRemove(long seed, String kind, Forgery forgery) {
        CoreNetwork net = new CoreNetwork(4, seed, false);
        NodeId bad = net.ids.get(3);
        for (int s = 0; s < 3; s++) {
            net.step();
        }
        byte[] wire = CoreNetwork.sealer(bad).seal(forgery.forge(net, bad, net.core(bad))).wire();
        rejectEverywhere(net, bad, wire, kind);
        runUntilRemoved(net, bad, kind, seed);
    }

    /** Every honest peer receives the bad event after the offender's graph, rejects it and records the fault. */
    private static void rejectEverywhere(CoreNetwork net, NodeId bad, byte[] wire, String kind) {
        ParsecCore c = net.core(bad);
        for (NodeId h : honest(net, bad)) {
            ParsecCore hc = net.core(h);
            List<Incoming> message = CoreNetwork.incoming(c.graph.events());
            message.add(CoreNetwork.incoming(wire));
            assertThatThrownBy(() -> hc.handleRequest(bad, message)).isInstanceOfSatisfying(ParsecError.class,
                    e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.INVALID_EVENT));
            assertThat(net.faults.get(h)).extracting(Fault::detail).anyMatch(d -> d.startsWith(kind));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11})
    void a_genesis_vote_not_after_the_initial_event_is_accused(long seed) {
        CoreNetwork net = new CoreNetwork(4, seed, false);
        NodeId bad = net.ids.get(3);
        ParsecCore c = net.core(bad);
        c.addEvent(c.newObservationEvent(c.ourLastEvent(), new Observation.Genesis(net.ids, new byte[0])));
        runUntilRemoved(net, bad, "UnexpectedGenesis", seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {8})
    void an_incorrect_genesis_is_rejected_and_accused(long seed) {
        CoreNetwork net = new CoreNetwork(4, seed, false);
        NodeId bad = net.ids.get(3);
        ParsecCore c = net.core(bad);
        Event initial = c.graph.get(c.peers.our().eventsAt(0)[0]);
        Observation wrong = new Observation.Genesis(List.of(bad), new byte[0]);
        byte[] wire = CoreNetwork.sealer(bad).seal(new ParsecCore.Content(bad, Cause.OBSERVATION, initial.hash, null,
                null, wrong, new byte[0], 1)).wire();
        for (NodeId h : honest(net, bad)) {
            ParsecCore hc = net.core(h);
            assertThatThrownBy(() -> hc.handleRequest(bad, List.of(CoreNetwork.incoming(initial.wire),
                    CoreNetwork.incoming(wire)))).isInstanceOf(ParsecError.class);
            assertThat(net.faults.get(h)).extracting(Fault::detail).anyMatch(d -> d.startsWith("IncorrectGenesis"));
        }
        runUntilRemoved(net, bad, "IncorrectGenesis", seed);
    }
}
