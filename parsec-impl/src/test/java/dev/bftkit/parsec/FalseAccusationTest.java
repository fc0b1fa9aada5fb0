package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Fault;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import dev.bftkit.parsec.FalseAccusations.Case;
import java.util.List;
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

    /** Node 0's events the evidence is made from, after a few rounds of gossip. */
    static FalseAccusations.Evidence evidence(CoreNetwork net) {
        ParsecCore c = net.core(net.ids.get(0));
        FalseAccusations.Evidence ev = FalseAccusations.Evidence.of(c, PeerList.OUR, c.peers.indexOf(net.ids.get(1)));
        assertThat(ev).as("node 0 has a Request and a Response yet").isNotNull();
        return ev;
    }

    static List<Case> disprovable() {
        return FalseAccusations.disprovable();
    }

    static List<Case> open() {
        return FalseAccusations.open();
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
        accuse(net, accuser, net.ids.get(0), c.malice().apply(evidence(net)));
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
        accuse(net, accuser, net.ids.get(0), c.malice().apply(evidence(net)));
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
