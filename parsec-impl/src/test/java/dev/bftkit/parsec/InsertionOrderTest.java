package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The consensus history is a function of the gossip graph's content: one graph in which a member forked, inserted
 * in many topological orders, and reloaded from the Decider's storage at cut points of each order, decides one
 * history. The graph is one honest node's view of a seeded run in which a member split into twins.
 *
 * <p>A failure names its seed and order; replay it with
 * {@code mvn -B verify -pl parsec-impl -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=InsertionOrderTest}.
 */
class InsertionOrderTest {
    private static final int ORDERS = 12;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 16);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void one_graph_with_a_fork_decides_one_history_in_every_insertion_order_and_across_restarts(long seed) {
        ForkedGraph graph = ForkedGraph.record(seed);
        String replay = "seed " + seed + " (replay: mvn -B verify -pl parsec-impl -am "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=InsertionOrderTest, test 'seed " + seed + "')";
        assertThat(graph.forkingCreators()).as("the graph of %s holds a fork", replay).isNotEmpty();
        List<String> reference = graph.historyAfterReload(graph.stored);
        assertThat(reference).as("decisions of %s", replay).isNotEmpty();
        SeededRandom random = new SeededRandom(seed * 0x9E3779B97F4A7C15L);
        int accepted = 0;
        for (int o = 0; o < 4 * ORDERS && accepted < ORDERS; o++) {
            List<byte[]> order = graph.randomTopologicalOrder(random, o);
            List<String> history;
            try {
                history = graph.historyAfterReload(order);
            } catch (InvalidMessageException refused) {
                // A removed member's event is accepted only if it does not descend from the event that decided
                // the removal, and which event decides depends on the order: in this order the graph differs.
                assertThat(refused.getMessage()).as("order %d of %s", o, replay).contains("may not send");
                continue;
            }
            accepted++;
            assertThat(history).as("history of order %d of %s", o, replay).isEqualTo(reference);
            for (int cut : List.of(ParsecCore.draw(random, order.size()), ParsecCore.draw(random, order.size()))) {
                List<String> partial = graph.historyAfterReload(order.subList(0, cut));
                assertThat(partial).as("history after a restart holding the first %d events of order %d of %s",
                        cut, o, replay).isEqualTo(reference.subList(0, Math.min(partial.size(), reference.size())));
            }
        }
        assertThat(accepted).as("orders in which every event of %s is accepted", replay).isEqualTo(ORDERS);
    }

    /** One node's stored graph from a seeded run with a twin, and reloads of it in other orders. */
    static final class ForkedGraph {
        final TestNetwork net;
        final NodeId holder;
        final List<byte[]> stored = new ArrayList<>();
        final List<Incoming> events = new ArrayList<>();
        /** Observation hash (hex) → what a history shows for it. */
        final Map<String, String> names = new HashMap<>();

        private ForkedGraph(TestNetwork net, NodeId holder) {
            this.net = net;
            this.holder = holder;
            byte[] prefix = eventPrefix(net.storages.get(holder));
            for (Storage.Entry e : net.storages.get(holder).scan(prefix)) {
                stored.add(e.value());
                Incoming in = decode(e.value());
                events.add(in);
                if (in.observation() != null) {
                    names.put(Bytes.hex(CoreNetwork.hash(in.observation())), describe(in.observation()));
                }
            }
        }

        /** Four nodes in Single mode each vote for payloads; node 3 splits into twins after a few steps. */
        static ForkedGraph record(long seed) {
            TestNetwork net = new TestNetwork(4, seed, Map.of("parsec.mode", "single"));
            NodeId twin = net.node(3);
            for (int i = 0; i < 4; i++) {
                net.decider(net.node(i)).submit(TestNetwork.utf8("a" + i));
            }
            for (int s = 0; s < 2 + (int) (seed % 3); s++) {
                net.step();
            }
            net.twin(twin);
            for (int i = 0; i < 4; i++) {
                net.decider(net.node(i)).submit(TestNetwork.utf8("b" + i));
                if (i == 3) {
                    net.twins.get(twin).submit(TestNetwork.utf8("c3"));
                }
            }
            for (int s = 0; s < 40; s++) {
                net.step();
            }
            return new ForkedGraph(net, net.node((int) (seed % 3)));
        }

        /** The Decider's keys: its setup record is its instance prefix and 'S'; events are that prefix, 'E', index. */
        static byte[] eventPrefix(Storage storage) {
            byte[] setup = null;
            for (Storage.Entry e : storage.scan(new byte[0])) {
                if (setup == null || e.key().length < setup.length) {
                    setup = e.key();
                }
            }
            byte[] p = setup.clone();
            p[p.length - 1] = 'E';
            return p;
        }

        static Incoming decode(byte[] wire) {
            return WireCodec.decodeEvent(wire, new WireCodec.Limits(1 << 16, 1 << 20, 32), TestCrypto.INSTANCE::hash);
        }

        Set<NodeId> forkingCreators() {
            Map<String, Integer> seen = new HashMap<>();
            Set<NodeId> out = new HashSet<>();
            for (Incoming e : events) {
                String slot = e.creator() + "/" + (e.selfParent() == null ? "-" : Bytes.hex(e.selfParent()));
                if (seen.merge(slot, 1, Integer::sum) > 1) {
                    out.add(e.creator());
                }
            }
            return out;
        }

        /**
         * A random topological order of the graph; the holder's first two events (Initial and its Genesis vote)
         * stay first, as every node creates them before it receives anything. Two orders in three hold back one
         * branch of every fork (the first child's, or the second's) while anything else can be placed, so the
         * branches arrive in both orders.
         */
        List<byte[]> randomTopologicalOrder(SeededRandom random, int order) {
            Set<Integer> heldBack = order % 3 == 0 ? Set.of() : branch(order % 3 - 1);
            List<byte[]> out = new ArrayList<>(stored.subList(0, 2));
            Set<ByteBuffer> placed = new HashSet<>();
            placed.add(ByteBuffer.wrap(events.get(0).hash()));
            placed.add(ByteBuffer.wrap(events.get(1).hash()));
            List<Integer> left = new ArrayList<>();
            for (int i = 2; i < events.size(); i++) {
                left.add(i);
            }
            while (!left.isEmpty()) {
                List<Integer> ready = new ArrayList<>();
                for (int i : left) {
                    Incoming e = events.get(i);
                    if (placedOrNull(placed, e.selfParent()) && placedOrNull(placed, e.otherParent())) {
                        ready.add(i);
                    }
                }
                List<Integer> preferred = ready.stream().filter(i -> !heldBack.contains(i)).toList();
                List<Integer> from = preferred.isEmpty() ? ready : preferred;
                int pick = from.get(ParsecCore.draw(random, from.size()));
                left.remove(Integer.valueOf(pick));
                placed.add(ByteBuffer.wrap(events.get(pick).hash()));
                out.add(stored.get(pick));
            }
            return out;
        }

        /** The events on the {@code k}-th child's side of every fork point (self-descendants of that child). */
        private Set<Integer> branch(int k) {
            Map<String, List<Integer>> children = new HashMap<>();
            for (int i = 0; i < events.size(); i++) {
                Incoming e = events.get(i);
                if (e.selfParent() != null) {
                    children.computeIfAbsent(Bytes.hex(e.selfParent()), h -> new ArrayList<>()).add(i);
                }
            }
            Set<ByteBuffer> roots = new HashSet<>();
            for (List<Integer> c : children.values()) {
                if (c.size() > 1) {
                    roots.add(ByteBuffer.wrap(events.get(c.get(k % c.size())).hash()));
                }
            }
            Map<ByteBuffer, Incoming> byHash = new HashMap<>();
            events.forEach(e -> byHash.put(ByteBuffer.wrap(e.hash()), e));
            Set<Integer> out = new HashSet<>();
            for (int i = 0; i < events.size(); i++) {
                for (Incoming e = events.get(i); e != null;
                        e = e.selfParent() == null ? null : byHash.get(ByteBuffer.wrap(e.selfParent()))) {
                    if (roots.contains(ByteBuffer.wrap(e.hash()))) {
                        out.add(i);
                        break;
                    }
                }
            }
            return out;
        }

        private static boolean placedOrNull(Set<ByteBuffer> placed, byte[] hash) {
            return hash == null || placed.contains(ByteBuffer.wrap(hash));
        }

        private String describe(Observation o) {
            if (o instanceof Observation.Opaque p) {
                return "payload " + new String(p.payload(), java.nio.charset.StandardCharsets.UTF_8);
            }
            if (o instanceof Observation.Accusation a) {
                return "accusation of P" + net.committee.indexOf(a.offender()) + " (" + a.malice().name() + ")";
            }
            return o.getClass().getSimpleName();
        }

        /**
         * Writes the events into a fresh copy of the holder's storage in this order and starts a Decider from it.
         *
         * @return its whole consensus history (payloads and accusations)
         */
        List<String> historyAfterReload(List<byte[]> order) {
            Storage original = net.storages.get(holder);
            byte[] prefix = eventPrefix(original);
            Storage copy = Doubles.memoryStorage();
            WriteBatch batch = new WriteBatch();
            List<Storage.Entry> keys = original.scan(prefix);
            for (Storage.Entry e : original.scan(new byte[0])) {
                if (!startsWith(e.key(), prefix)) {
                    batch.put(e.key(), e.value());
                }
            }
            for (int i = 0; i < order.size(); i++) {
                batch.put(keys.get(i).key(), order.get(i));
            }
            copy.write(batch);
            int k = net.ids.indexOf(holder);
            ParsecDecider d = (ParsecDecider) new ParsecDeciderProvider().create(new DeciderConfig(net.instance,
                    net.committee, net.keys.get(k), TestCrypto.INSTANCE, copy, Application.proposing(new byte[0]),
                    1, net.options));
            List<String> history = new ArrayList<>();
            for (ObservationKey key : d.core().meta.consensusHistory) {
                String hex = Bytes.hex(key.hash());
                history.add(names.getOrDefault(hex, hex));
            }
            return history;
        }

        private static boolean startsWith(byte[] a, byte[] prefix) {
            return a.length >= prefix.length && java.util.Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
        }
    }
}
