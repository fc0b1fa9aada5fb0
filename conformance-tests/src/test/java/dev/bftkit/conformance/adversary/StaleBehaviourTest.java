package dev.bftkit.conformance.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Step;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Behaviours#stale}: a starved peer gets the first answer the node gave it, on every pull, while the node's
 * Decider still hears each request; every other peer gets the Decider's fresh answer.
 */
class StaleBehaviourTest {
    private static final List<NodeId> NODES = List.of(id(0), id(1), id(2), id(3));

    @Test
    void aStarvedPeerGetsItsFirstAnswerAgainAndOthersGetFreshOnes() {
        Counting decider = new Counting();
        Context ctx = new Context(new Shadow(decider));
        Behaviour stale = Behaviours.byName("stale", Set.of(1));
        assertThat(stale.name()).isEqualTo("stale");
        assertThat(Behaviours.names()).contains("stale");

        byte[] first = stale.onRequest(ctx, id(1), new byte[] {7});
        assertThat(first).containsExactly(1);
        first[0] = 99; // a caller changing its copy changes nothing the node answers later
        assertThat(stale.onRequest(ctx, id(2), new byte[] {7})).as("a served peer: fresh").containsExactly(2);
        assertThat(stale.onRequest(ctx, id(1), new byte[] {7})).as("the starved peer: stale").containsExactly(1);
        assertThat(stale.onRequest(ctx, id(3), new byte[] {7})).as("another served peer").containsExactly(4);
        assertThat(stale.onRequest(ctx, id(1), new byte[] {7})).as("still stale, never silent").containsExactly(1);
        assertThat(decider.requests).as("the Decider heard every request").isEqualTo(5);
    }

    private static NodeId id(int i) {
        return NodeId.of(new byte[] {(byte) i, 1, 2, 3});
    }

    /** Answers each request with how many it has heard. */
    private static final class Counting implements Decider {
        int requests;

        @Override
        public InstanceId instance() {
            return InstanceId.of("stale-test");
        }

        @Override
        public Step start() {
            return Step.NONE;
        }

        @Override
        public Step submit(byte[] payload) {
            return Step.NONE;
        }

        @Override
        public Step tick() {
            return Step.NONE;
        }

        @Override
        public Step onRequest(NodeId from, byte[] request) {
            return Step.builder().reply(new byte[] {(byte) ++requests}).build();
        }

        @Override
        public Step onResponse(NodeId from, byte[] response) {
            return Step.NONE;
        }

        @Override
        public FaultLog faults() {
            throw new UnsupportedOperationException();
        }

        @Override
        public dev.bftkit.api.spi.Footprint footprint() {
            return dev.bftkit.api.spi.Footprint.NONE;
        }

        @Override
        public dev.bftkit.api.spi.Footprint footprintBound() {
            return dev.bftkit.api.spi.Footprint.NONE;
        }

        @Override
        public long maxMessageBytes() {
            return 1 << 20;
        }

        @Override
        public long currentTick() {
            return 0;
        }
    }

    /** Node 0's view, with one Decider. */
    private record Context(Shadow decider) implements ByzantineContext {
        @Override
        public dev.bftkit.api.spi.SigningKey key() {
            throw new UnsupportedOperationException("the stale behaviour signs nothing itself");
        }

        @Override
        public dev.bftkit.api.Committee committee() {
            return dev.bftkit.api.Committee.equalWeights(NODES);
        }

        @Override
        public dev.bftkit.api.spi.Crypto crypto() {
            return Doubles.insecureCrypto();
        }

        @Override
        public Map<String, String> options() {
            return Map.of();
        }

        @Override
        public byte[] proposal(String label) {
            return ("v:byz0-" + label).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public NodeId self() {
            return NODES.get(0);
        }

        @Override
        public int index() {
            return 0;
        }

        @Override
        public List<NodeId> peers() {
            return NODES.subList(1, NODES.size());
        }

        @Override
        public int indexOf(NodeId id) {
            return NODES.indexOf(id);
        }

        @Override
        public long now() {
            return 0;
        }

        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public void send(NodeId peer, byte[] request, int tag) {
        }

        @Override
        public Shadow decider(String label, InstanceId instance) {
            return decider;
        }

        @Override
        public Shadow decider(String label, InstanceId instance, Map<String, String> options) {
            return decider;
        }

        @Override
        public InstanceId instance() {
            return decider.decider().instance();
        }
    }
}
