package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import dev.bftkit.parsec.golden.Bincode;
import dev.bftkit.parsec.golden.DotCause;
import dev.bftkit.parsec.golden.DotEvent;
import dev.bftkit.parsec.golden.DotFile;
import dev.bftkit.parsec.golden.DotObservation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Replays a recorded graph the way the reference's {@code dev_utils::Record} does: a fresh instance from genesis
 * for the recording node, then that node's own actions in their recorded order (votes, gossip requests, and the
 * requests and responses it received, each carrying the unknown ancestors of its other-parent), and finally one
 * request bringing whatever is left. The events of other peers go through the same consensus processing as live
 * gossip; only their signatures are not checked (the recorded mock signatures cannot be reproduced, and the hashes
 * here are stand-ins derived from each event's creator and position).
 *
 * <p>Module-internal entry point of {@link dev.bftkit.parsec.replay.GoldenReplay}.
 */
public final class RecordedReplay {
    private final DotFile file;
    private final List<DotEvent> order;
    private final NodeId our;
    private final List<NodeId> genesis;
    private final List<Action> actions;
    private final List<Incoming> rest;
    private DotEvent last;

    RecordedReplay(DotFile file) {
        this.file = file;
        this.our = GoldenHashing.idOf(file.ourId());
        this.order = topologicalOrder(file);
        this.genesis = genesisGroup();
        if (!genesis.contains(our)) {
            throw new IllegalArgumentException("replay needs the recording node (" + file.ourId()
                    + ") to be a genesis member");
        }
        Set<String> known = new HashSet<>();
        this.actions = actions(known);
        this.rest = rest(known);
    }

    /**
     * Prepares a replay (the reference's {@code Record}): parses nothing, plays nothing.
     *
     * @param file the parsed dump
     * @return the prepared replay
     * @throws IllegalArgumentException if the graph cannot be replayed
     */
    public static RecordedReplay prepare(DotFile file) {
        return new RecordedReplay(file);
    }

    /**
     * Plays the prepared replay into a fresh instance.
     *
     * @return the number of observations decided
     */
    public int play() {
        return run(new ParsecCore.Listener() {
        }, new int[1]).meta.consensusHistory.size();
    }

    /**
     * One decided observation of a replay.
     *
     * @param hash the observation hash
     * @param observation how the observation reads in a dump ({@code Genesis({A, B})}, {@code Add(C)},
     *     {@code OpaquePayload(x)})
     * @param atLastRecordedEvent true if it was decided while processing the recorded graph's last event
     */
    public record Decided(byte[] hash, String observation, boolean atLastRecordedEvent) {
        /** Copies the hash. */
        public Decided {
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }
    }

    /**
     * Replays a recorded graph.
     *
     * @param file the parsed dump
     * @return the observations the replay decided, in order
     * @throws IllegalArgumentException if the graph cannot be replayed (the recording node is not a genesis member,
     *     or the graph needs distributed key generation)
     * @throws IllegalStateException if the replay diverges from the recording
     */
    public static List<Decided> replay(DotFile file) {
        RecordedReplay replay = new RecordedReplay(file);
        int[] lastRecorded = {Integer.MAX_VALUE};
        List<Integer> at = new ArrayList<>();
        List<List<ObservationKey>> groups = new ArrayList<>();
        ParsecCore core = replay.run(new ParsecCore.Listener() {
            @Override
            public void decided(int eventIndex, List<ObservationKey> keys, List<Block> blocks) {
                at.add(eventIndex);
                groups.add(List.copyOf(keys));
            }
        }, lastRecorded);
        List<Decided> out = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            for (ObservationKey k : groups.get(g)) {
                out.add(new Decided(k.hash(), describe(core.observations.get(k).observation),
                        at.get(g) == lastRecorded[0]));
            }
        }
        return out;
    }

    /**
     * @param file the parsed dump
     * @return the number of events of the recorded graph
     */
    public static int eventCount(DotFile file) {
        return file.events().size();
    }

    static String describe(Observation o) {
        if (o instanceof Observation.Genesis g) {
            List<String> names = new ArrayList<>();
            for (NodeId id : g.group()) {
                names.add(GoldenHashing.nameOf(id));
            }
            return "Genesis({" + String.join(", ", names) + "})";
        } else if (o instanceof Observation.Add a) {
            return "Add(" + GoldenHashing.nameOf(a.peer()) + ")";
        } else if (o instanceof Observation.Remove r) {
            return "Remove(" + GoldenHashing.nameOf(r.peer()) + ")";
        } else if (o instanceof Observation.Opaque p) {
            return "OpaquePayload(" + new String(p.payload(), StandardCharsets.UTF_8) + ")";
        }
        return String.valueOf(o);
    }

    /**
     * Runs the replay.
     *
     * @param listener told about the core's events and decisions
     * @param lastRecordedIndex receives the graph index of the recorded graph's last event
     * @return the core with the whole replay applied
     */
    ParsecCore run(ParsecCore.Listener listener, int[] lastRecordedIndex) {
        ParsecCore core = ParsecCore.fromGenesis(our, genesis, new byte[0], file.singleMode(),
                new StandInSealer(file.ourId()), GoldenHashing.INSTANCE, e -> true, GoldenHashing::nameOf, listener);
        expectOurs(core, 0, DotCause.Kind.INITIAL);
        expectOurs(core, 1, DotCause.Kind.OBSERVATION);
        for (Action a : actions) {
            switch (a.kind()) {
                case OBSERVATION:
                    core.voteFor(a.observation());
                    break;
                case REQUESTING:
                    core.createGossip(a.peer());
                    break;
                case REQUEST:
                    core.handleRequest(a.peer(), a.message());
                    break;
                default:
                    core.handleResponse(a.peer(), a.message());
                    break;
            }
            expectOurs(core, a.indexByCreator(), a.kind());
        }
        if (last == null) {
            lastRecordedIndex[0] = core.graph.size() - 1;
        } else {
            lastRecordedIndex[0] = core.graph.size() + rest.size() - 2;
            core.handleRequest(GoldenHashing.idOf(last.creator()), rest);
        }
        return core;
    }

    /**
     * One action of the recording node, as the reference's {@code Record} holds it.
     *
     * @param kind what our event was
     * @param observation the vote, for an Observation
     * @param peer the recipient (Requesting) or the sender (Request, Response)
     * @param message the events received, for a Request or Response
     * @param indexByCreator our event's index, to check the replay made it
     */
    private record Action(DotCause.Kind kind, Observation observation, NodeId peer,
                          List<Incoming> message, int indexByCreator) {
    }

    /** Turns the recording node's events into its actions, as the reference's {@code Record::from} does. */
    private List<Action> actions(Set<String> known) {
        for (DotEvent e : order) {
            if (e.cause().observation() instanceof DotObservation.Unsupported u) {
                throw new IllegalArgumentException("event " + e.id() + " votes for " + u.text()
                        + ", which needs distributed key generation");
            }
        }
        List<Action> out = new ArrayList<>();
        Map<String, DotEvent> byId = file.events();
        for (DotEvent e : order) {
            if (!e.creator().equals(file.ourId())) {
                continue;
            }
            known.add(e.id());
            if (e.indexByCreator() <= 1) {
                continue;
            }
            switch (e.cause().kind()) {
                case OBSERVATION:
                    out.add(new Action(e.cause().kind(), observation(e.cause().observation()), null, null,
                            e.indexByCreator()));
                    break;
                case REQUESTING:
                    out.add(new Action(e.cause().kind(), null, GoldenHashing.idOf(e.cause().recipient()), null,
                            e.indexByCreator()));
                    break;
                case REQUEST:
                case RESPONSE: {
                    DotEvent otherParent = byId.get(e.otherParent());
                    List<Incoming> message = new ArrayList<>();
                    for (DotEvent a : unknownAncestors(otherParent, known)) {
                        message.add(incoming(a));
                    }
                    out.add(new Action(e.cause().kind(), null, GoldenHashing.idOf(otherParent.creator()), message,
                            e.indexByCreator()));
                    break;
                }
                default:
                    throw new IllegalStateException("unexpected event of ours: " + e.id());
            }
        }
        return out;
    }

    /** The events no action delivered, then a Requesting from the last one's creator to us (the reference's). */
    private List<Incoming> rest(Set<String> known) {
        List<Incoming> out = new ArrayList<>();
        for (DotEvent e : order) {
            if (known.add(e.id())) {
                out.add(incoming(e));
                last = e;
            }
        }
        if (last != null) {
            out.add(new Incoming(standInHash(last.creator(), last.indexByCreator() + 1, 0),
                    GoldenHashing.idOf(last.creator()), Cause.REQUESTING,
                    standInHash(last.creator(), last.indexByCreator(), last.forkIndex()), null, our, null,
                    new byte[0], new byte[0], null));
        }
        return out;
    }

    private void expectOurs(ParsecCore core, int indexByCreator, DotCause.Kind kind) {
        int[] at = core.peers.our().eventsAt(indexByCreator);
        if (at.length != 1 || core.graph.get(at[0]).cause.ordinal() != kind.ordinal()) {
            throw new IllegalStateException("replay diverged: our event " + indexByCreator + " should be " + kind
                    + " but is " + (at.length == 0 ? "missing" : core.graph.get(at[0]).cause));
        }
    }

    private List<NodeId> genesisGroup() {
        for (DotEvent e : order) {
            if (e.cause().observation() instanceof DotObservation.Genesis g) {
                List<NodeId> ids = new ArrayList<>();
                for (String name : g.group()) {
                    ids.add(GoldenHashing.idOf(name));
                }
                return List.copyOf(new TreeSet<>(ids));
            }
        }
        throw new IllegalArgumentException("no event carries Genesis");
    }

    /** The ancestors of {@code top} not yet known (and {@code top} itself), in recorded topological order. */
    private List<DotEvent> unknownAncestors(DotEvent top, Set<String> known) {
        Map<String, DotEvent> byId = file.events();
        Set<String> seen = new HashSet<>();
        List<String> stack = new ArrayList<>();
        stack.add(top.id());
        Set<String> collect = new HashSet<>();
        while (!stack.isEmpty()) {
            String id = stack.remove(stack.size() - 1);
            if (!seen.add(id)) {
                continue;
            }
            if (!known.contains(id) || id.equals(top.id())) {
                collect.add(id);
            }
            DotEvent e = byId.get(id);
            if (e.selfParent() != null) {
                stack.add(e.selfParent());
            }
            if (e.otherParent() != null) {
                stack.add(e.otherParent());
            }
        }
        List<DotEvent> out = new ArrayList<>();
        for (DotEvent e : order) {
            if (collect.contains(e.id())) {
                out.add(e);
                known.add(e.id());
            }
        }
        return out;
    }

    private Incoming incoming(DotEvent e) {
        Map<String, DotEvent> byId = file.events();
        DotEvent sp = e.selfParent() == null ? null : byId.get(e.selfParent());
        DotEvent op = e.otherParent() == null ? null : byId.get(e.otherParent());
        DotCause c = e.cause();
        return new Incoming(standInHash(e.creator(), e.indexByCreator(), e.forkIndex()),
                GoldenHashing.idOf(e.creator()), Cause.values()[c.kind().ordinal()],
                sp == null ? null : standInHash(sp.creator(), sp.indexByCreator(), sp.forkIndex()),
                op == null ? null : standInHash(op.creator(), op.indexByCreator(), op.forkIndex()),
                c.recipient() == null ? null : GoldenHashing.idOf(c.recipient()),
                c.observation() == null ? null : observation(c.observation()), new byte[0], new byte[0], null);
    }

    static Observation observation(DotObservation o) {
        if (o instanceof DotObservation.Genesis g) {
            List<NodeId> ids = new ArrayList<>();
            for (String name : g.group()) {
                ids.add(GoldenHashing.idOf(name));
            }
            return new Observation.Genesis(List.copyOf(new TreeSet<>(ids)), new byte[0]);
        } else if (o instanceof DotObservation.Add a) {
            return new Observation.Add(GoldenHashing.idOf(a.peer()), new byte[0]);
        } else if (o instanceof DotObservation.Remove r) {
            return new Observation.Remove(GoldenHashing.idOf(r.peer()), new byte[0]);
        } else if (o instanceof DotObservation.Opaque p) {
            return new Observation.Opaque(p.text().getBytes(StandardCharsets.UTF_8));
        }
        throw new IllegalArgumentException("cannot replay " + o);
    }

    /** A stand-in event hash: SHA3-256 of the creator's name and the event's position. */
    static byte[] standInHash(String creator, int indexByCreator, int forkIndex) {
        return Bincode.sha3((creator + ":" + indexByCreator + ":" + forkIndex).getBytes(StandardCharsets.UTF_8));
    }

    /** Our events get the same stand-in hashes, so recorded events can name them as parents. */
    static final class StandInSealer implements ParsecCore.EventSealer {
        private final String our;

        StandInSealer(String our) {
            this.our = our;
        }

        @Override
        public ParsecCore.Sealed seal(ParsecCore.Content content) {
            return new ParsecCore.Sealed(standInHash(our, content.indexByCreator(), 0), new byte[0], null);
        }

        @Override
        public byte[] signVote(byte[] observationHash) {
            return new byte[0];
        }
    }

    /**
     * The reference parser's insertion order: peers in peer-list index order (the recording node first, then by
     * name), each peer's events by (index, fork); repeatedly take the first peer whose next event has both parents
     * placed.
     */
    static List<DotEvent> topologicalOrder(DotFile file) {
        Map<String, Integer> peerIndex = new HashMap<>();
        peerIndex.put(file.ourId(), 0);
        int next = 1;
        for (String name : file.peers().keySet()) {
            if (!name.equals(file.ourId())) {
                peerIndex.put(name, next++);
            }
        }
        TreeMap<Integer, TreeMap<long[], DotEvent>> groups = new TreeMap<>();
        Comparator<long[]> byPosition = (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
        for (DotEvent e : file.events().values()) {
            Integer p = peerIndex.get(e.creator());
            if (p == null) {
                throw new IllegalArgumentException("event " + e.id() + " by " + e.creator() + ", not in the peer list");
            }
            groups.computeIfAbsent(p, k -> new TreeMap<>(byPosition))
                    .put(new long[] {e.indexByCreator(), e.forkIndex()}, e);
        }
        List<DotEvent> out = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        while (!groups.isEmpty()) {
            DotEvent chosen = null;
            for (Map.Entry<Integer, TreeMap<long[], DotEvent>> g : groups.entrySet()) {
                DotEvent first = g.getValue().firstEntry().getValue();
                if ((first.selfParent() == null || placed.contains(first.selfParent()))
                        && (first.otherParent() == null || placed.contains(first.otherParent()))) {
                    chosen = first;
                    g.getValue().pollFirstEntry();
                    if (g.getValue().isEmpty()) {
                        groups.remove(g.getKey());
                    }
                    break;
                }
            }
            if (chosen == null) {
                throw new IllegalArgumentException("the graph has a cycle or a missing parent");
            }
            placed.add(chosen.id());
            out.add(chosen);
        }
        return out;
    }
}
