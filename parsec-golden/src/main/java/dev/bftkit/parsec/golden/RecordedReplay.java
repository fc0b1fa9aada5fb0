package dev.bftkit.parsec.golden;

import dev.bftkit.api.NodeId;
import dev.bftkit.parsec.Cause;
import dev.bftkit.parsec.ParsecReplica;
import dev.bftkit.parsec.ParsecReplica.GraphEvent;
import dev.bftkit.parsec.ParsecReplica.Vote;
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
 * gossip, in a {@link ParsecReplica}; only their signatures are not checked (the recorded mock signatures cannot be
 * reproduced, and the hashes here are stand-ins derived from each event's creator and position,
 * {@link GoldenHashing}).
 */
public final class RecordedReplay {
    private final DotFile file;
    private final List<DotEvent> order;
    private final NodeId our;
    private final List<NodeId> genesis;
    private final List<Action> actions;
    private final List<GraphEvent> rest;
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
        return run(new int[1]).decisions().size();
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
        ParsecReplica replica = replay.run(lastRecorded);
        List<Decided> out = new ArrayList<>();
        for (ParsecReplica.Decided d : replica.decisions()) {
            out.add(new Decided(d.hash(), describe(d.vote()), d.eventIndex() == lastRecorded[0]));
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

    static String describe(Vote v) {
        if (v instanceof Vote.Genesis g) {
            List<String> names = new ArrayList<>();
            for (NodeId id : g.group()) {
                names.add(GoldenHashing.nameOf(id));
            }
            return "Genesis({" + String.join(", ", names) + "})";
        } else if (v instanceof Vote.Add a) {
            return "Add(" + GoldenHashing.nameOf(a.peer()) + ")";
        } else if (v instanceof Vote.Remove r) {
            return "Remove(" + GoldenHashing.nameOf(r.peer()) + ")";
        }
        return "OpaquePayload(" + new String(((Vote.Opaque) v).payload(), StandardCharsets.UTF_8) + ")";
    }

    /**
     * Runs the replay.
     *
     * @param lastRecordedIndex receives the graph index of the recorded graph's last event
     * @return the replica with the whole replay applied
     */
    ParsecReplica run(int[] lastRecordedIndex) {
        ParsecReplica replica = ParsecReplica.fromGenesis(our, genesis, file.singleMode(), GoldenHashing.INSTANCE,
                true);
        expectOurs(replica, 0, Cause.INITIAL);
        expectOurs(replica, 1, Cause.OBSERVATION);
        for (Action a : actions) {
            switch (a.kind()) {
                case OBSERVATION:
                    replica.vote(a.vote());
                    break;
                case REQUESTING:
                    replica.gossipTo(a.peer());
                    break;
                case REQUEST:
                    replica.onRequest(a.peer(), a.message());
                    break;
                default:
                    replica.onResponse(a.peer(), a.message());
                    break;
            }
            expectOurs(replica, a.indexByCreator(), a.kind());
        }
        if (last == null) {
            lastRecordedIndex[0] = replica.graphSize() - 1;
        } else {
            lastRecordedIndex[0] = replica.graphSize() + rest.size() - 2;
            replica.onRequest(GoldenHashing.idOf(last.creator()), rest);
        }
        return replica;
    }

    /**
     * One action of the recording node, as the reference's {@code Record} holds it.
     *
     * @param kind what our event was
     * @param vote the vote, for an Observation
     * @param peer the recipient (Requesting) or the sender (Request, Response)
     * @param message the events received, for a Request or Response
     * @param indexByCreator our event's index, to check the replay made it
     */
    private record Action(Cause kind, Vote vote, NodeId peer, List<GraphEvent> message, int indexByCreator) {
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
                    out.add(new Action(e.cause().kind(), vote(e.cause().observation()), null, null,
                            e.indexByCreator()));
                    break;
                case REQUESTING:
                    out.add(new Action(e.cause().kind(), null, GoldenHashing.idOf(e.cause().recipient()), null,
                            e.indexByCreator()));
                    break;
                case REQUEST:
                case RESPONSE: {
                    DotEvent otherParent = byId.get(e.otherParent());
                    List<GraphEvent> message = new ArrayList<>();
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
    private List<GraphEvent> rest(Set<String> known) {
        List<GraphEvent> out = new ArrayList<>();
        for (DotEvent e : order) {
            if (known.add(e.id())) {
                out.add(incoming(e));
                last = e;
            }
        }
        if (last != null) {
            out.add(new GraphEvent(GoldenHashing.standInHash(last.creator(), last.indexByCreator() + 1, 0),
                    GoldenHashing.idOf(last.creator()), Cause.REQUESTING, hashOf(last), null, our, null));
        }
        return out;
    }

    private static void expectOurs(ParsecReplica replica, int indexByCreator, Cause kind) {
        List<Cause> at = replica.ourEventsAt(indexByCreator);
        if (at.size() != 1 || at.get(0) != kind) {
            throw new IllegalStateException("replay diverged: our event " + indexByCreator + " should be " + kind
                    + " but is " + (at.isEmpty() ? "missing" : at.get(0)));
        }
    }

    private List<NodeId> genesisGroup() {
        for (DotEvent e : order) {
            if (e.cause().observation() instanceof DotObservation.Genesis g) {
                return sortedIds(g.group());
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

    private GraphEvent incoming(DotEvent e) {
        Map<String, DotEvent> byId = file.events();
        DotEvent sp = e.selfParent() == null ? null : byId.get(e.selfParent());
        DotEvent op = e.otherParent() == null ? null : byId.get(e.otherParent());
        DotCause c = e.cause();
        return new GraphEvent(hashOf(e), GoldenHashing.idOf(e.creator()), c.kind(), sp == null ? null : hashOf(sp),
                op == null ? null : hashOf(op), c.recipient() == null ? null : GoldenHashing.idOf(c.recipient()),
                c.observation() == null ? null : vote(c.observation()));
    }

    /** The stand-in hash of a recorded event. */
    private static byte[] hashOf(DotEvent e) {
        return GoldenHashing.standInHash(e.creator(), e.indexByCreator(), e.forkIndex());
    }

    static Vote vote(DotObservation o) {
        if (o instanceof DotObservation.Genesis g) {
            return new Vote.Genesis(sortedIds(g.group()));
        } else if (o instanceof DotObservation.Add a) {
            return new Vote.Add(GoldenHashing.idOf(a.peer()));
        } else if (o instanceof DotObservation.Remove r) {
            return new Vote.Remove(GoldenHashing.idOf(r.peer()));
        } else if (o instanceof DotObservation.Opaque p) {
            return new Vote.Opaque(p.text().getBytes(StandardCharsets.UTF_8));
        }
        throw new IllegalArgumentException("cannot replay " + o);
    }

    /** The ids of the named peers, sorted. */
    private static List<NodeId> sortedIds(List<String> names) {
        List<NodeId> ids = new ArrayList<>();
        for (String name : names) {
            ids.add(GoldenHashing.idOf(name));
        }
        return List.copyOf(new TreeSet<>(ids));
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
