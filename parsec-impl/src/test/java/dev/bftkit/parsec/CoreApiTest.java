package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's API rules (spec §8.15), fork-aware sees (§8.11) and determinism (§8.13). */
class CoreApiTest {

    @Test
    void from_genesis_makes_two_events_and_from_existing_none() {
        CoreNetwork net = new CoreNetwork(4, 1, false);
        ParsecCore c = net.core(net.ids.get(0));
        assertThat(c.graph.size()).isEqualTo(2);
        assertThat(c.graph.get(0).cause).isEqualTo(Cause.INITIAL);
        assertThat(c.graph.get(1).observation).isInstanceOf(Observation.Genesis.class);
        NodeId joiner = NodeId.of("joiner".getBytes(StandardCharsets.UTF_8));
        ParsecCore j = ParsecCore.fromExisting(joiner, net.ids, net.ids, false, CoreNetwork.sealer(joiner),
                CoreNetwork::hash, in -> true, id -> "J", new ParsecCore.Listener() {
                });
        assertThat(j.graph.size()).isZero();
        assertThat(j.peers.ourState()).isEqualTo(PeerState.RECV);
        assertThatThrownBy(() -> j.voteFor(new Observation.Opaque(new byte[] {1})))
                .isInstanceOfSatisfying(ParsecError.class,
                        e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.INVALID_SELF_STATE));
    }

    @Test
    void a_repeated_vote_is_a_duplicate_vote_and_gossip_to_a_stranger_an_unknown_peer() {
        CoreNetwork net = new CoreNetwork(4, 1, false);
        ParsecCore c = net.core(net.ids.get(0));
        Observation o = new Observation.Opaque("x".getBytes(StandardCharsets.UTF_8));
        c.voteFor(o);
        assertThat(c.haveVotedFor(o)).isTrue();
        assertThatThrownBy(() -> c.voteFor(o)).isInstanceOfSatisfying(ParsecError.class,
                e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.DUPLICATE_VOTE));
        assertThatThrownBy(() -> c.createGossip(NodeId.of(new byte[] {42}))).isInstanceOfSatisfying(
                ParsecError.class, e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.UNKNOWN_PEER));
        assertThatThrownBy(() -> c.handleRequest(net.ids.get(1), List.of())).isInstanceOfSatisfying(
                ParsecError.class, e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.INVALID_MESSAGE));
    }

    @Test
    void events_must_arrive_parents_first() {
        CoreNetwork net = new CoreNetwork(4, 1, false);
        ParsecCore a = net.core(net.ids.get(0));
        ParsecCore b = net.core(net.ids.get(1));
        List<Event> gossip = a.createGossip(net.ids.get(1));
        List<Incoming> reversed = new ArrayList<>(CoreNetwork.incoming(gossip));
        java.util.Collections.reverse(reversed);
        assertThatThrownBy(() -> b.handleRequest(net.ids.get(0), reversed)).isInstanceOfSatisfying(
                ParsecError.class, e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.UNKNOWN_SELF_PARENT));
    }

    @Test
    void removing_a_peer_stops_gossip_to_it_and_removing_us_stops_everything() {
        CoreNetwork net = new CoreNetwork(4, 3, false);
        NodeId gone = net.ids.get(3);
        for (NodeId id : net.ids) {
            net.core(id).voteFor(new Observation.Remove(gone, new byte[0]));
        }
        for (int s = 0; s < 200 && !net.removed(net.ids.get(0), gone); s++) {
            net.step();
        }
        ParsecCore c = net.core(net.ids.get(0));
        assertThat(net.removed(net.ids.get(0), gone)).isTrue();
        assertThatThrownBy(() -> c.createGossip(gone)).isInstanceOfSatisfying(ParsecError.class,
                e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.INVALID_PEER_STATE));
        // The others no longer gossip with it; it learns of its removal from their graph.
        ParsecCore removed = net.core(gone);
        try {
            removed.handleRequest(net.ids.get(0), CoreNetwork.incoming(c.graph.events()));
        } catch (ParsecError e) {
            assertThat(e.kind()).as("its answering event is refused once it is inactive").isIn(
                    ParsecError.Kind.INVALID_SELF_STATE, ParsecError.Kind.PREMATURE_GOSSIP);
        }
        assertThat(removed.peers.ourState()).as("the removed peer learns it").isEqualTo(PeerState.INACTIVE);
        assertThat(removed.pollGroup()).as("Genesis and Remove are internal: nothing to poll").isNull();
        assertThatThrownBy(() -> removed.voteFor(new Observation.Opaque(new byte[] {1})))
                .isInstanceOfSatisfying(ParsecError.class,
                        e -> assertThat(e.kind()).isEqualTo(ParsecError.Kind.INVALID_SELF_STATE));
    }

    /** The shape of the reference's {@code functional_tests/sees} graph: Carol forks at index 2. */
    @Test
    void sees_is_fork_aware() {
        List<NodeId> ids = new ArrayList<>();
        for (String name : List.of("Alice", "Bob", "Carol")) {
            ids.add(NodeId.of(name.getBytes(StandardCharsets.UTF_8)));
        }
        NodeId alice = ids.get(0);
        NodeId bob = ids.get(1);
        NodeId carol = ids.get(2);
        ParsecCore core = ParsecCore.fromGenesis(alice, ids, new byte[0], false, CoreNetwork.sealer(alice),
                CoreNetwork::hash, in -> true, id -> new String(id.bytes(), StandardCharsets.UTF_8),
                new ParsecCore.Listener() {
                });
        Observation genesis = new Observation.Genesis(ids, new byte[0]);
        Event a1 = core.graph.get(1);
        Event b0 = add(core, bob, Cause.INITIAL, null, null, null, null, 0);
        Event b1 = add(core, bob, Cause.OBSERVATION, b0, null, null, genesis, 1);
        Event c0 = add(core, carol, Cause.INITIAL, null, null, null, null, 0);
        Event c1 = add(core, carol, Cause.OBSERVATION, c0, null, null, genesis, 1);
        Event c20 = add(core, carol, Cause.REQUESTING, c1, null, alice, null, 2);
        Event c21 = add(core, carol, Cause.REQUESTING, c1, null, bob, null, 2);
        Event a2 = add(core, alice, Cause.REQUEST, a1, c20, null, null, 2);
        Event b2 = add(core, bob, Cause.REQUEST, b1, c21, null, null, 2);
        Event b3 = add(core, bob, Cause.REQUESTING, b2, null, alice, null, 3);
        Event a3 = add(core, alice, Cause.REQUEST, a2, b3, null, null, 3);
        // One side of the fork in the ancestry: that creator's events are seen.
        assertThat(a2.sees(c20)).isTrue();
        assertThat(a2.sees(c1)).isTrue();
        assertThat(a2.isDescendantOf(c21)).isFalse();
        assertThat(b3.sees(c21)).isTrue();
        // Both sides: every event of the forking creator is hidden, others' events are not.
        assertThat(a3.isDescendantOf(c20)).isTrue();
        assertThat(a3.isDescendantOf(c21)).isTrue();
        assertThat(a3.sees(c20)).isFalse();
        assertThat(a3.sees(c21)).isFalse();
        assertThat(a3.sees(c0)).isFalse();
        assertThat(a3.sees(b2)).isTrue();
        assertThat(a3.sees(a1)).isTrue();
        // B_2 saw one side only, and A_3 sees B_2: another creator's fork does not hide B_2.
        assertThat(b2.sees(c1)).isTrue();
    }

    @Test
    void the_same_events_in_another_topological_order_give_the_same_decisions() {
        CoreNetwork net = new CoreNetwork(4, 12, false);
        net.voteEverywhere("one", net.ids);
        net.voteEverywhere("two", net.ids);
        for (int s = 0; s < 150; s++) {
            net.step();
        }
        NodeId id = net.ids.get(0);
        List<Event> events = net.core(id).graph.events();
        List<String> expected = hex(net.core(id).meta.consensusHistory);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        // Another valid order: repeatedly take the lowest-numbered creator whose next event has its parents.
        List<Event> other = new ArrayList<>();
        java.util.Set<Integer> placed = new java.util.HashSet<>();
        while (other.size() < events.size()) {
            for (Event e : peerOrder(events)) {
                if (!placed.contains(e.index) && (e.selfParent < 0 || placed.contains(e.selfParent))
                        && (e.otherParent < 0 || placed.contains(e.otherParent))) {
                    placed.add(e.index);
                    other.add(e);
                    break;
                }
            }
        }
        assertThat(other).isNotEqualTo(events);
        ParsecCore replayed = ParsecCore.forGenesis(id, net.ids, false, CoreNetwork.sealer(id), CoreNetwork::hash,
                in -> true, n -> new String(n.bytes(), StandardCharsets.UTF_8), new ParsecCore.Listener() {
                });
        for (Event e : other) {
            replayed.restore(CoreNetwork.incoming(e.wire));
        }
        List<String> got = hex(replayed.meta.consensusHistory);
        int n = Math.min(got.size(), expected.size());
        assertThat(got.subList(0, n)).isEqualTo(expected.subList(0, n));
        assertThat(n).isGreaterThanOrEqualTo(3);
    }

    private static List<Event> peerOrder(List<Event> events) {
        List<Event> out = new ArrayList<>(events);
        out.sort(java.util.Comparator.<Event>comparingInt(e -> e.creator).thenComparingInt(e -> e.indexByCreator));
        return out;
    }

    private static List<String> hex(List<ObservationKey> keys) {
        List<String> out = new ArrayList<>();
        for (ObservationKey k : keys) {
            out.add(dev.bftkit.api.Bytes.hex(k.hash()));
        }
        return out;
    }

    /**
     * Strongly-sees counts current voters only. C's Request strongly sees B's Initial event through C, R and B;
     * once R is no longer a voter, its event stops counting: two of the three voters are not more than 2/3 of
     * them. Counting every creator (the reference) let a removed member's events stand in for a voter's.
     */
    @Test
    void a_removed_members_events_do_not_count_towards_strongly_seeing() {
        List<NodeId> ids = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "r")) {
            ids.add(NodeId.of(name.getBytes(StandardCharsets.UTF_8)));
        }
        ParsecCore core = ParsecCore.fromGenesis(ids.get(0), ids, new byte[0], false, CoreNetwork.sealer(ids.get(0)),
                CoreNetwork::hash, in -> true, id -> new String(id.bytes(), StandardCharsets.UTF_8),
                new ParsecCore.Listener() {
                });
        Event b0 = add(core, ids.get(1), Cause.INITIAL, null, null, 0);
        Event r0 = add(core, ids.get(3), Cause.INITIAL, null, null, 0);
        Event r1 = add(core, ids.get(3), Cause.REQUEST, r0, b0, 1);
        Event c0 = add(core, ids.get(2), Cause.INITIAL, null, null, 0);
        Event c1 = add(core, ids.get(2), Cause.REQUEST, c0, r1, 1);
        assertThat(core.stronglySees(c1, b0)).as("C, R and B of four voters").isTrue();
        int r = core.peers.indexOf(ids.get(3));
        core.meta.newElection(List.of(), List.<int[]>of(new int[] {-1, r}));
        assertThat(core.meta.voters).doesNotContain(r);
        assertThat(core.stronglySees(c1, b0)).as("C and B of three voters; R is no voter").isFalse();
    }

    private static Event add(ParsecCore core, NodeId creator, Cause cause, Event selfParent, Event otherParent,
                             int index) {
        return add(core, creator, cause, selfParent, otherParent, null, null, index);
    }

    /** Restores an unsigned event into the core's graph; @return it, as the graph holds it */
    private static Event add(ParsecCore core, NodeId creator, Cause cause, Event selfParent, Event otherParent,
                             NodeId recipient, Observation observation, int index) {
        byte[] wire = CoreNetwork.sealer(creator).seal(new ParsecCore.Content(creator, cause,
                selfParent == null ? null : selfParent.hash, otherParent == null ? null : otherParent.hash, recipient,
                observation, new byte[0], index)).wire();
        core.restore(CoreNetwork.incoming(wire));
        return core.graph.get(core.graph.size() - 1);
    }
}
