package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.Decision;
import dev.bftkit.api.Fault;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Live PARSEC Deciders on real Ed25519 signatures in a deterministic in-test network. */
class ParsecDeciderTest {

    @Test
    void the_plugin_is_found_by_name_with_its_capabilities() {
        DeciderProvider p = Plugins.decider("parsec");
        assertThat(p.name()).isEqualTo("parsec");
        assertThat(p.capabilities()).containsExactlyInAnyOrder(DeciderProvider.Capability.ORDERED_STREAM,
                DeciderProvider.Capability.RESTART_FROM_STORAGE, DeciderProvider.Capability.DECIDES_SUBMITTED_VALUES);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void four_nodes_decide_every_submitted_value_in_the_same_order(long seed) {
        TestNetwork net = new TestNetwork(4, seed, Map.of());
        Set<String> payloads = new LinkedHashSet<>();
        for (int i = 0; i < 4; i++) {
            payloads.add("v" + i);
        }
        net.submitEverywhere(payloads);
        int steps = net.runUntilDecided(payloads, 400);
        assertThat(steps).as("steps to decide (seed %d; replay: -Dtest=ParsecDeciderTest)", seed).isPositive();
        net.assertPrefixAgreement();
        assertThat(net.rejections).isEmpty();
        ParsecDeciderProvider provider = new ParsecDeciderProvider();
        for (List<Decision> seq : net.decided.values()) {
            for (Decision d : seq) {
                assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE, d)).as("proof of %s", d).isTrue();
            }
        }
        for (NodeId id : net.committee.members()) {
            assertThat(net.decider(id).faults().isEmpty()).as("no honest node accused").isTrue();
        }
    }

    @Test
    void a_tampered_proof_or_value_does_not_verify() {
        TestNetwork net = new TestNetwork(4, 7, Map.of());
        net.submitEverywhere(Set.of("x"));
        assertThat(net.runUntilDecided(Set.of("x"), 400)).isPositive();
        Decision d = net.decided.get(net.node(1)).get(0);
        ParsecDeciderProvider provider = new ParsecDeciderProvider();
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE,
                new Decision(d.instance(), d.position(), TestNetwork.utf8("y"), d.proof()))).isFalse();
        List<Block.Proof> signers = WireCodec.decodeProof(d.proof(), 4).getValue();
        assertThat(signers).hasSizeGreaterThanOrEqualTo(3);
        List<Block.Proof> three = List.copyOf(signers.subList(0, 3));
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE, withProof(d, three))).isTrue();
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE, withProof(d, three.subList(0, 2))))
                .as("2 of 4 is not a supermajority").isFalse();
        byte[] bad = three.get(2).signature();
        bad[0] ^= 1;
        List<Block.Proof> forged = List.of(three.get(0), three.get(1), new Block.Proof(three.get(2).signer(), bad));
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE, withProof(d, forged))).isFalse();
        List<Block.Proof> repeated = List.of(three.get(0), three.get(0), three.get(1));
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE, withProof(d, repeated)))
                .as("a signer counts once").isFalse();
        assertThat(provider.verifyDecision(net.committee, TestCrypto.INSTANCE,
                new Decision(d.instance(), d.position(), d.value(), new byte[] {1, 3}))).isFalse();
    }

    private static Decision withProof(Decision d, List<Block.Proof> proofs) {
        return new Decision(d.instance(), d.position(), d.value(), WireCodec.encodeProof(false, proofs));
    }

    @Test
    void single_mode_decides_each_voters_payload() {
        TestNetwork net = new TestNetwork(4, 11, Map.of("parsec.mode", "single"));
        net.decider(net.node(0)).submit(TestNetwork.utf8("a"));
        net.decider(net.node(2)).submit(TestNetwork.utf8("b"));
        assertThat(net.runUntilDecided(Set.of("a", "b"), 400)).isPositive();
        net.assertPrefixAgreement();
    }

    @Test
    void liveness_with_one_of_four_crashed() {
        TestNetwork net = new TestNetwork(4, 5, Map.of());
        net.crash(net.node(3));
        Set<String> payloads = Set.of("p0", "p1", "p2");
        net.submitEverywhere(payloads);
        assertThat(net.runUntilDecided(payloads, 600)).isPositive();
        net.assertPrefixAgreement();
    }

    @Test
    void a_forking_member_is_accused_and_removed_and_the_rest_still_decide() {
        TestNetwork net = new TestNetwork(4, 21, Map.of());
        NodeId bad = net.node(3);
        for (int s = 0; s < 3; s++) {
            net.step();
        }
        net.twin(bad);
        net.submitEverywhere(Set.of("w"));
        List<NodeId> honest = net.committee.members().subList(0, 3);
        int steps = 0;
        while (steps++ < 400 && !honest.stream().allMatch(h -> removed(net, h, bad))) {
            net.step();
        }
        for (NodeId h : honest) {
            assertThat(removed(net, h, bad)).as("%s removed the forking member", h).isTrue();
            assertThat(net.decider(h).faults().offenders()).as("only the forking member is accused").containsOnly(bad);
            assertThat(net.decider(h).faults().entries()).extracting(dev.bftkit.api.Fault::kind)
                    .contains(dev.bftkit.api.Fault.Kind.EQUIVOCATION);
        }
        net.crash(bad);
        assertThat(net.runUntilDecided(Set.of("w"), 400)).isPositive();
        net.decided.remove(bad);
        net.assertPrefixAgreement();
    }

    private static boolean removed(TestNetwork net, NodeId observer, NodeId peer) {
        return !net.decider(observer).toDot().contains("P" + net.committee.indexOf(peer) + ": PeerState(VOTE");
    }

    @Test
    void a_restarted_node_reloads_its_graph_and_continues_without_forking() {
        TestNetwork net = new TestNetwork(4, 9, Map.of());
        net.submitEverywhere(Set.of("before"));
        assertThat(net.runUntilDecided(Set.of("before"), 400)).isPositive();
        NodeId restarted = net.node(0);
        List<Decision> before = List.copyOf(net.decided.get(restarted));
        int polledBefore = before.size();
        net.crash(restarted);
        net.step();
        net.restart(restarted);
        List<Decision> again = new ArrayList<>();
        for (int i = 0; i < polledBefore; i++) {
            again.add(net.decider(restarted).poll().orElseThrow());
        }
        assertThat(again).as("the decisions polled before the crash, handed out again from position 0")
                .isEqualTo(before);
        net.decided.get(restarted).clear();
        net.decided.get(restarted).addAll(before);
        net.submitEverywhere(Set.of("after"));
        assertThat(net.runUntilDecided(Set.of("before", "after"), 400)).isPositive();
        net.assertPrefixAgreement();
        assertThat(net.decided.get(restarted).size()).isGreaterThan(polledBefore);
        for (NodeId id : net.committee.members()) {
            assertThat(net.decider(id).faults().offenders()).as("nobody saw %s fork", restarted).isEmpty();
        }
    }

    @Test
    void garbage_from_a_member_or_anything_from_a_stranger_is_rejected_with_a_reason() {
        TestNetwork net = new TestNetwork(4, 3, Map.of());
        var d = net.decider(net.node(0));
        assertThatThrownBy(() -> d.onRequest(net.node(1), new byte[] {1, 1, 0}))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.MALFORMED));
        assertThatThrownBy(() -> d.onRequest(net.node(1), new byte[] {9, 1}))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.UNSUPPORTED_VERSION));
        NodeId stranger = TestCrypto.key(99).publicKey().nodeId();
        assertThatThrownBy(() -> d.onRequest(stranger, new byte[] {1, 1}))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.NOT_MEMBER));
        byte[] empty = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, List.of());
        assertThatThrownBy(() -> d.onRequest(net.node(1), empty)).isInstanceOf(InvalidMessageException.class);
        byte[] otherInstance = WireCodec.encodeMessage(WireCodec.KIND_REQUEST,
                dev.bftkit.api.InstanceId.of("other"), List.of(new byte[] {1}));
        assertThatThrownBy(() -> d.onRequest(net.node(1), otherInstance))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.WRONG_INSTANCE));
    }

    @Test
    void events_signed_by_strangers_leave_no_decoded_key_behind() {
        TestNetwork net = new TestNetwork(4, 3, Map.of());
        var d = net.decider(net.node(0));
        for (int i = 0; i < 20; i++) {
            SigningKey strangerKey = TestCrypto.key(100 + i);
            byte[] content = WireCodec.encodeContent(new ParsecCore.Content(strangerKey.publicKey().nodeId(),
                    Cause.INITIAL, null, null, null, null, new byte[0], 0));
            byte[] signature = strangerKey.sign(WireCodec.eventSigningBytes(net.instance,
                    TestCrypto.INSTANCE.hash(content)));
            byte[] message = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance,
                    List.of(WireCodec.encodeEvent(content, signature)));
            assertThatThrownBy(() -> d.onRequest(net.node(1), message)).isInstanceOf(InvalidMessageException.class);
        }
        assertThat(((ParsecDecider) d.decider()).keptKeys()).isLessThanOrEqualTo(4);
    }

    @Test
    void a_member_sending_bytes_no_honest_node_sends_is_logged_once_but_a_stranger_is_not() {
        TestNetwork net = new TestNetwork(4, 3, Map.of());
        var d = net.decider(net.node(0));
        byte[] garbage = {1, 1, 0};
        assertThatThrownBy(() -> d.onResponse(net.node(1), garbage)).isInstanceOf(InvalidMessageException.class);
        assertThatThrownBy(() -> d.onRequest(net.node(1), garbage)).isInstanceOf(InvalidMessageException.class);
        byte[] otherInstance = WireCodec.encodeMessage(WireCodec.KIND_RESPONSE,
                dev.bftkit.api.InstanceId.of("other"), List.of(new byte[] {1}));
        assertThatThrownBy(() -> d.onResponse(net.node(2), otherInstance)).isInstanceOf(InvalidMessageException.class);
        NodeId stranger = TestCrypto.key(99).publicKey().nodeId();
        assertThatThrownBy(() -> d.onRequest(stranger, garbage)).isInstanceOf(InvalidMessageException.class);
        assertThat(d.faults().entries()).hasSize(2).allMatch(f -> f.kind() == Fault.Kind.MALFORMED);
        assertThat(d.faults().offenders()).containsExactlyInAnyOrder(net.node(1), net.node(2));
        assertThat(d.faults().entries().get(0).evidence()).singleElement().isEqualTo(garbage);
    }

    @Test
    void a_member_relaying_an_event_with_a_bad_signature_is_logged_not_its_creator() {
        TestNetwork net = new TestNetwork(4, 3, Map.of());
        NodeId creator = net.node(1);
        byte[] request = net.decider(creator).nextGossip().orElseThrow().request();
        List<byte[]> events = WireCodec.decodeMessage(request, WireCodec.KIND_REQUEST, net.instance,
                new WireCodec.Limits(1024, 1 << 20, TestCrypto.INSTANCE.hashLength()));
        byte[] last = events.get(events.size() - 1).clone();
        last[last.length - 1] ^= 1;
        events.set(events.size() - 1, last);
        byte[] forged = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, events);
        NodeId relayer = net.node(2);
        var d = net.decider(net.node(0));
        assertThatThrownBy(() -> d.onRequest(relayer, forged))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.BAD_SIGNATURE));
        assertThat(d.faults().entries()).singleElement()
                .matches(f -> f.offender().equals(relayer) && f.kind() == Fault.Kind.FORGED_SIGNATURE);
    }

    @Test
    void too_many_events_in_one_message_are_refused() {
        TestNetwork net = new TestNetwork(4, 3, Map.of("parsec.maxEventsPerMessage", "2"));
        byte[] three = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance,
                List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}));
        assertThatThrownBy(() -> net.decider(net.node(0)).onRequest(net.node(1), three))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE));
    }

    @Test
    void an_event_over_the_byte_limit_is_refused() {
        TestNetwork net = new TestNetwork(4, 3, Map.of("parsec.maxEventBytes", "64"));
        byte[] big = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, List.of(new byte[65]));
        assertThatThrownBy(() -> net.decider(net.node(0)).onRequest(net.node(1), big))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE));
    }

    @Test
    void every_event_a_gossip_request_carries_is_already_in_storage() {
        TestNetwork net = new TestNetwork(4, 8, Map.of());
        NodeId n0 = net.node(0);
        net.decider(n0).submit(TestNetwork.utf8("durable"));
        net.decider(n0).tick();
        dev.bftkit.api.Outbound out = net.decider(n0).nextGossip().orElseThrow();
        List<byte[]> events = WireCodec.decodeMessage(out.request(), WireCodec.KIND_REQUEST, net.instance,
                new WireCodec.Limits(1 << 16, 1 << 20, 32));
        java.util.Set<String> stored = new java.util.HashSet<>();
        for (var e : net.storages.get(n0).scan(new byte[0])) {
            stored.add(java.util.HexFormat.of().formatHex(e.value()));
        }
        assertThat(events).isNotEmpty();
        for (byte[] e : events) {
            assertThat(stored).contains(java.util.HexFormat.of().formatHex(e));
        }
    }

    @Test
    void the_same_seed_replays_the_same_run() {
        List<String> dots = new java.util.ArrayList<>();
        for (int run = 0; run < 2; run++) {
            TestNetwork net = new TestNetwork(4, 77, Map.of());
            net.submitEverywhere(Set.of("a", "b"));
            assertThat(net.runUntilDecided(Set.of("a", "b"), 400)).isPositive();
            dots.add(net.decider(net.node(2)).toDot());
        }
        assertThat(dots.get(1)).isEqualTo(dots.get(0));
    }

    @Test
    void bad_options_and_unequal_weights_are_configuration_errors() {
        assertThatThrownBy(() -> new TestNetwork(4, 1, Map.of("parsec.mode", "majority")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new TestNetwork(4, 1, Map.of("parsec.nosuch", "1")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("parsec.mode");
        java.util.Map<NodeId, Long> weights = new java.util.HashMap<>();
        weights.put(TestCrypto.key(0).publicKey().nodeId(), 1L);
        weights.put(TestCrypto.key(1).publicKey().nodeId(), 2L);
        var config = new dev.bftkit.api.spi.DeciderConfig(dev.bftkit.api.InstanceId.of("w"),
                dev.bftkit.api.Committee.of(weights), TestCrypto.key(0), TestCrypto.INSTANCE,
                dev.bftkit.conformance.doubles.Doubles.memoryStorage(), dev.bftkit.api.spi.Application.proposing(new byte[0]), 1,
                Map.of());
        assertThatThrownBy(() -> new ParsecDeciderProvider().create(config))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("same weight");
    }

    @Test
    void the_decider_writes_no_files_so_a_dump_folder_is_an_unknown_option() {
        assertThatThrownBy(() -> new TestNetwork(4, 4, Map.of("parsec.dumpDir", "/tmp/x")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unknown option parsec.dumpDir");
    }

    @Test
    void to_dot_is_the_reference_format() {
        TestNetwork net = new TestNetwork(4, 2, Map.of());
        net.submitEverywhere(Set.of("dotted"));
        assertThat(net.runUntilDecided(Set.of("dotted"), 400)).isPositive();
        String dot = net.decider(net.node(1)).toDot();
        assertThat(dot).startsWith("/// our_id: P1\n").contains("digraph GossipGraph {", "/// cause: Initial",
                "/// ===== meta-elections =====", "fillcolor=cyan", "OpaquePayload(dotted)");
        assertThat(dot.lines().filter(l -> l.matches("///   P\\d: PeerState\\(.*\\)")).map(l -> l.substring(6, 8)))
                .as("the peer list").containsExactlyInAnyOrder("P0", "P1", "P2", "P3");
        assertThat(dot.lines().filter(l -> l.matches("/// [0-9a-f]{64}"))).as("the consensus history (Genesis and "
                + "the payload)").hasSize(2);
    }
}
