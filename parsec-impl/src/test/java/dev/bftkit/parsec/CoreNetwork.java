package dev.bftkit.parsec;

import dev.bftkit.api.Fault;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PARSEC cores with malice detection on, gossiping in one thread in a seeded order; events travel in bftkit's
 * wire format but are not signed (this network tests the algorithm, the Decider tests the signatures). A node can
 * be split into twins that share its identity and chain, to make it fork.
 */
final class CoreNetwork {
    static final InstanceId INSTANCE = InstanceId.of("core-net");
    static final WireCodec.Limits LIMITS = new WireCodec.Limits(1 << 20, 1 << 20, 32);

    final List<NodeId> ids = new ArrayList<>();
    final Map<NodeId, List<ParsecCore>> nodes = new HashMap<>();
    final Map<NodeId, List<Fault>> faults = new HashMap<>();
    final Map<NodeId, List<Block>> blocks = new HashMap<>();
    final List<String> errors = new ArrayList<>();
    final SeededRandom random;
    private int turn;

    CoreNetwork(int n, long seed, boolean single) {
        random = new SeededRandom(seed);
        for (int i = 0; i < n; i++) {
            ids.add(NodeId.of(("node" + i).getBytes(StandardCharsets.UTF_8)));
        }
        for (NodeId id : ids) {
            faults.put(id, new ArrayList<>());
            blocks.put(id, new ArrayList<>());
            ParsecCore core = newCore(id, single);
            core.addOwnInitialAndGenesis(new byte[0]);
            nodes.put(id, new ArrayList<>(List.of(core)));
        }
    }

    private ParsecCore newCore(NodeId id, boolean single) {
        ParsecCore core = ParsecCore.forGenesis(id, ids, single, sealer(id), CoreNetwork::hash, in -> true,
                n -> new String(n.bytes(), StandardCharsets.UTF_8), new ParsecCore.Listener() {
                    @Override
                    public void decided(int eventIndex, List<ObservationKey> keys, List<Block> b) {
                        blocks.get(id).addAll(b);
                    }
                });
        core.malice = new MaliceDetector(core.state, f -> faults.get(id).add(f), CoreNetwork::decodeOrNull);
        return core;
    }

    static byte[] hash(Observation o) {
        return TestCrypto.INSTANCE.hash(WireCodec.encodeObservation(o));
    }

    static ParsecCore.EventSealer sealer(NodeId id) {
        return new ParsecCore.EventSealer() {
            @Override
            public ParsecCore.Sealed seal(ParsecCore.Content content) {
                byte[] bytes = WireCodec.encodeContent(content);
                return new ParsecCore.Sealed(TestCrypto.INSTANCE.hash(bytes), new byte[0],
                        WireCodec.encodeEvent(bytes, new byte[0]));
            }

            @Override
            public byte[] signVote(byte[] observationHash) {
                return new byte[0];
            }
        };
    }

    /** An event of ours, signed by nobody, as a peer receives it. */
    static Incoming incoming(byte[] wire) {
        return WireCodec.decodeEvent(wire, LIMITS, TestCrypto.INSTANCE::hash);
    }

    static Incoming decodeOrNull(byte[] wire) {
        try {
            return incoming(wire);
        } catch (dev.bftkit.api.InvalidMessageException e) {
            return null;
        }
    }

    static List<Incoming> incoming(List<Event> events) {
        List<Incoming> out = new ArrayList<>();
        for (Event e : events) {
            out.add(incoming(e.wire));
        }
        return out;
    }

    /**
     * Splits a node into twins: a second core restored from its graph, with the same identity. The twins are the
     * adversary: they skip malice detection (which they would only spend on each other's events).
     */
    void twin(NodeId id) {
        ParsecCore original = core(id);
        original.malice = null;
        ParsecCore twin = newCore(id, original.singleMode);
        twin.malice = null;
        for (Event e : original.graph.events()) {
            twin.restore(incoming(e.wire));
        }
        nodes.get(id).add(twin);
    }

    /** The node's core (the first twin). */
    ParsecCore core(NodeId id) {
        return nodes.get(id).get(0);
    }

    void voteEverywhere(String payload, List<NodeId> voters) {
        for (NodeId id : voters) {
            for (ParsecCore c : nodes.get(id)) {
                c.voteFor(new Observation.Opaque(payload.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Every node (each twin in turn) sends one request to a peer it may gossip to. */
    void step() {
        turn++;
        for (NodeId id : ids) {
            List<ParsecCore> twins = nodes.get(id);
            ParsecCore src = twins.get(turn % twins.size());
            NodeId peer = src.gossipRecipient(random);
            if (peer == null || src.peers.ourState() == PeerState.INACTIVE) {
                continue;
            }
            List<ParsecCore> targets = nodes.get(peer);
            ParsecCore dst = targets.get(ParsecCore.draw(random, targets.size()));
            List<Event> request;
            try {
                request = src.createGossip(peer);
            } catch (ParsecError e) {
                errors.add(id + " cannot gossip: " + e.getMessage());
                continue;
            }
            List<Event> response;
            try {
                response = dst.handleRequest(id, incoming(request));
            } catch (ParsecError e) {
                errors.add(peer + " rejected " + id + ": " + e.getMessage());
                continue;
            }
            try {
                src.handleResponse(peer, incoming(response));
            } catch (ParsecError e) {
                errors.add(id + " rejected the answer of " + peer + ": " + e.getMessage());
            }
        }
    }

    boolean removed(NodeId observer, NodeId peer) {
        ParsecCore c = core(observer);
        int i = c.peers.indexOf(peer);
        int state = c.peers.state(i);
        return c.peers.get(i).removalEvent >= 0 && !PeerState.contains(state, PeerState.SEND)
                && !PeerState.contains(state, PeerState.DKG) && !c.meta.voters.contains(i);
    }

    List<String> decidedPayloads(NodeId id) {
        List<String> out = new ArrayList<>();
        for (Block b : blocks.get(id)) {
            if (b.payload() instanceof Observation.Opaque o) {
                out.add(new String(o.payload(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    List<String> decidedAccusations(NodeId id) {
        List<String> out = new ArrayList<>();
        ParsecCore c = core(id);
        for (ObservationKey k : c.meta.consensusHistory) {
            if (c.observations.get(k).observation instanceof Observation.Accusation a) {
                out.add(new String(a.offender().bytes(), StandardCharsets.UTF_8) + ":" + a.malice().name());
            }
        }
        return out;
    }
}
