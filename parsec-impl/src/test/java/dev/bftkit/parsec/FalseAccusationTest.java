package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Fault;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Byzantine member (node 3) accuses an honest one (node 0) of each kind of malice, with evidence made from node
 * 0's real events. Where the graph disproves the accusation, every honest node flags the accuser (InvalidAccusation)
 * and the accuser is removed, and nobody accuses node 0. Where it cannot (a fork's second branch, or a second answer
 * to a Requesting, may yet arrive), nobody is flagged. Seeded: replay with {@code -Dtest=FalseAccusationTest}.
 */
class FalseAccusationTest {
    private static final long SEED = 31;

    /** The honest node's events the evidence is made from, after a few rounds of gossip. */
    record Evidence(Event initial, Event genesisVote, Event request, Event response, Event othersGenesisVote) {
        static Evidence of(CoreNetwork net) {
            ParsecCore c = net.core(net.ids.get(0));
            Peer honest = c.peers.our();
            Peer other = c.peers.get(c.peers.indexOf(net.ids.get(1)));
            return new Evidence(c.graph.get(honest.eventsAt(0)[0]), c.graph.get(honest.eventsAt(1)[0]),
                    ownEvent(c, Cause.REQUEST), ownEvent(c, Cause.RESPONSE), c.graph.get(other.eventsAt(1)[0]));
        }

        private static Event ownEvent(ParsecCore c, Cause cause) {
            return c.peers.our().allEvents().stream().map(c.graph::get).filter(e -> e.cause == cause).findFirst()
                    .orElseThrow(() -> new AssertionError("node 0 has no " + cause + " yet"));
        }
    }

    /**
     * One false accusation.
     *
     * @param name what it claims
     * @param malice the claim, from the evidence
     */
    record Case(String name, Function<Evidence, Malice> malice) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> disprovable() {
        return List.of(
                new Case("UnexpectedGenesis: a member's Genesis vote right after its Initial event",
                        ev -> Malice.of(Malice.Kind.UNEXPECTED_GENESIS, ev.genesisVote().hash)),
                new Case("MissingGenesis: an event that votes for Genesis",
                        ev -> Malice.of(Malice.Kind.MISSING_GENESIS, ev.genesisVote().hash)),
                new Case("IncorrectGenesis: carrying the member's own, correct Genesis vote",
                        ev -> Malice.rejected(Malice.Kind.INCORRECT_GENESIS, ev.genesisVote().wire)),
                new Case("DuplicateVote: the Initial event and the Genesis vote",
                        ev -> Malice.of(Malice.Kind.DUPLICATE_VOTE, ev.initial().hash, ev.genesisVote().hash)),
                new Case("Fork: naming another member's event",
                        ev -> Malice.of(Malice.Kind.FORK, ev.othersGenesisVote().hash)),
                new Case("InvalidAccusation: naming an event that accuses nobody",
                        ev -> Malice.of(Malice.Kind.INVALID_ACCUSATION, ev.genesisVote().hash)),
                new Case("OtherParentBySameCreator: carrying a Request whose other-parent is another's",
                        ev -> Malice.rejected(Malice.Kind.OTHER_PARENT_BY_SAME_CREATOR, ev.request().wire)),
                new Case("SelfParentByDifferentCreator: carrying an event whose self-parent is its own",
                        ev -> Malice.rejected(Malice.Kind.SELF_PARENT_BY_DIFFERENT_CREATOR, ev.request().wire)),
                new Case("InvalidRequest: carrying a Response",
                        ev -> Malice.rejected(Malice.Kind.INVALID_REQUEST, ev.response().wire)),
                new Case("InvalidResponse: carrying a Request",
                        ev -> Malice.rejected(Malice.Kind.INVALID_RESPONSE, ev.request().wire)),
                new Case("Accomplice: building on a duplicate vote that is none",
                        ev -> Malice.accomplice(ev.request().hash, Malice.of(Malice.Kind.DUPLICATE_VOTE,
                                ev.othersGenesisVote().hash, ev.genesisVote().hash))));
    }

    static List<Case> open() {
        return List.of(
                new Case("Fork: naming the member's own event (its second child may yet arrive)",
                        ev -> Malice.of(Malice.Kind.FORK, ev.genesisVote().hash)),
                new Case("InvalidRequest: carrying a well-formed Request (a second answer may yet arrive)",
                        ev -> Malice.rejected(Malice.Kind.INVALID_REQUEST, ev.request().wire)),
                new Case("InvalidResponse: carrying a well-formed Response (a second answer may yet arrive)",
                        ev -> Malice.rejected(Malice.Kind.INVALID_RESPONSE, ev.response().wire)));
    }

    private static CoreNetwork gossiped() {
        CoreNetwork net = new CoreNetwork(4, SEED, false);
        for (int s = 0; s < 6; s++) {
            net.step();
        }
        return net;
    }

    private static void accuse(CoreNetwork net, NodeId accuser, NodeId accused, Malice malice) {
        ParsecCore c = net.core(accuser);
        c.addEvent(c.newObservationEvent(c.ourLastEvent(), new Observation.Accusation(accused, malice)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("disprovable")
    void a_false_accusation_the_graph_disproves_flags_the_accuser(Case c) {
        CoreNetwork net = gossiped();
        NodeId accuser = net.ids.get(3);
        accuse(net, accuser, net.ids.get(0), c.malice().apply(Evidence.of(net)));
        MaliceTest.runUntilRemoved(net, accuser, "InvalidAccusation", SEED);
        for (NodeId h : MaliceTest.honest(net, accuser)) {
            assertThat(net.faults.get(h)).as("faults at %s", h).anyMatch(f -> f.offender().equals(accuser)
                    && f.kind() == Fault.Kind.INVALID_VOTE && f.detail().startsWith("InvalidAccusation"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("open")
    void an_accusation_the_graph_cannot_disprove_flags_nobody(Case c) {
        CoreNetwork net = gossiped();
        NodeId accuser = net.ids.get(3);
        accuse(net, accuser, net.ids.get(0), c.malice().apply(Evidence.of(net)));
        for (int s = 0; s < 60; s++) {
            net.step();
        }
        for (NodeId h : MaliceTest.honest(net, accuser)) {
            assertThat(net.faults.get(h)).as("faults at %s", h).isEmpty();
            assertThat(net.removed(h, net.ids.get(0))).as("node 0 removed at %s", h).isFalse();
        }
    }

    /**
     * The accusation names an event of node 0 that node 1 receives only later: node 1 judges it when that event
     * arrives, not before.
     */
    @Test
    void an_accusation_naming_an_event_we_lack_is_judged_when_it_arrives() {
        CoreNetwork net = gossiped();
        NodeId accused = net.ids.get(0);
        NodeId judge = net.ids.get(1);
        NodeId accuser = net.ids.get(3);
        ParsecCore accusedCore = net.core(accused);
        accusedCore.voteFor(new Observation.Opaque("late".getBytes(StandardCharsets.UTF_8)));
        Event late = accusedCore.graph.get(accusedCore.ourLastEvent());
        accuse(net, accuser, accused, Malice.of(Malice.Kind.UNEXPECTED_GENESIS, late.hash));
        ParsecCore judgeCore = net.core(judge);
        judgeCore.handleRequest(accuser, CoreNetwork.incoming(net.core(accuser).createGossip(judge)));
        assertThat(judgeCore.graph.contains(late.hash)).isFalse();
        assertThat(net.faults.get(judge)).as("before the named event arrives").isEmpty();
        judgeCore.handleRequest(accused, CoreNetwork.incoming(accusedCore.createGossip(judge)));
        assertThat(judgeCore.graph.contains(late.hash)).isTrue();
        assertThat(net.faults.get(judge)).as("once it arrived").singleElement().satisfies(f -> {
            assertThat(f.offender()).isEqualTo(accuser);
            assertThat(f.detail()).startsWith("InvalidAccusation").contains("UnexpectedGenesis");
        });
    }
}
