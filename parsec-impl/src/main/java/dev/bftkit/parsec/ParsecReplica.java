package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A PARSEC core driven by hand, for the tools that replay gossip graphs recorded by the reference implementation
 * and generate graphs like them ({@code dev.bftkit.parsec.golden}). It takes our votes, our gossip requests and the
 * events of the requests and responses we receive, in the order the caller chooses, and reports the observations
 * it decides. It runs as the reference's default build did: no malice detection and no admission bound, nothing
 * signed or checked; the caller chooses the stand-ins for observation hashes, our own events' hashes and peer names
 * ({@link StandIns}). The {@code parsec} Decider does not use it.
 *
 * <p>Errors of the core (an unknown parent, a peer that may not send, a duplicate vote, ...) are thrown as
 * {@link IllegalStateException}. Arrays in the records here are neither copied nor compared by content, and the
 * events a replica hands out are converted as they are read.
 */
public final class ParsecReplica {

    /** What a live node takes from its crypto suite and committee, and a replica from its caller. */
    public interface StandIns {
        /**
         * @param vote a vote
         * @return the observation's hash
         */
        byte[] voteHash(Vote vote);

        /**
         * @param creator us
         * @param indexByCreator the index by creator of an event we make
         * @return its hash
         */
        byte[] eventHash(NodeId creator, int indexByCreator);

        /**
         * @param id a peer
         * @return its readable name, for the graph dump and errors
         */
        String name(NodeId id);
    }

    /** What an event of a replica can vote for: the reference's observations but key generation and accusations. */
    public sealed interface Vote {
        /**
         * The genesis group (no related info).
         *
         * @param group the members, in the order the caller hashes them
         */
        record Genesis(List<NodeId> group) implements Vote {
            /** Copies the list. */
            public Genesis {
                group = List.copyOf(group);
            }
        }

        /**
         * Add a peer (no related info).
         *
         * @param peer the peer
         */
        record Add(NodeId peer) implements Vote {
        }

        /**
         * Remove a peer (no related info).
         *
         * @param peer the peer
         */
        record Remove(NodeId peer) implements Vote {
        }

        /**
         * An application payload.
         *
         * @param payload the bytes
         */
        record Opaque(byte[] payload) implements Vote {
        }
    }

    /**
     * An event as replicas hand it on.
     *
     * @param hash its hash
     * @param creator its creator
     * @param cause why it was made
     * @param selfParent the self-parent's hash, or null
     * @param otherParent the other-parent's hash, or null
     * @param recipient the recipient of a Requesting, or null
     * @param vote the vote of an Observation, or null
     */
    public record GraphEvent(byte[] hash, NodeId creator, Cause cause, byte[] selfParent, byte[] otherParent,
                             NodeId recipient, Vote vote) {
    }

    /**
     * An observation the replica decided.
     *
     * @param hash the observation's hash
     * @param vote the observation
     * @param eventIndex the graph index of the event whose processing decided it (observations decided together
     *     share it)
     */
    public record Decided(byte[] hash, Vote vote, int eventIndex) {
    }

    private final ParsecCore core;
    private final List<Decided> decisions = new ArrayList<>();

    private ParsecReplica(NodeId our, List<NodeId> genesis, boolean singleMode, StandIns standIns, boolean decides) {
        ParsecCore.EventSealer sealer = new ParsecCore.EventSealer() {
            @Override
            public ParsecCore.Sealed seal(ParsecCore.Content content) {
                return new ParsecCore.Sealed(standIns.eventHash(content.creator(), content.indexByCreator()),
                        new byte[0], null);
            }

            @Override
            public byte[] signVote(byte[] observationHash) {
                return new byte[0];
            }
        };
        ParsecCore.Listener listener = new ParsecCore.Listener() {
            @Override
            public void decided(int eventIndex, List<ObservationKey> keys, List<Block> blocks) {
                for (ObservationKey k : keys) {
                    decisions.add(new Decided(k.hash().clone(), vote(core.observations.get(k).observation),
                            eventIndex));
                }
            }
        };
        core = ParsecCore.forGenesis(our, genesis, singleMode, sealer, o -> standIns.voteHash(vote(o)), in -> true,
                standIns::name, listener);
        core.processing = decides;
        core.addOwnInitialAndGenesis(new byte[0]);
    }

    /**
     * A genesis member's replica: its Initial event and its vote for the genesis group are in the graph.
     *
     * @param our us, a member of the genesis group
     * @param genesis the genesis group
     * @param singleMode Single consensus mode (else Supermajority)
     * @param standIns hashes and names
     * @param decides false to skip consensus processing (the reference's {@code ignore_process_events}): for the
     *     other peers of a generated graph, whose decisions nobody reads
     * @return the replica
     * @throws IllegalArgumentException if we are not in the genesis group
     */
    public static ParsecReplica fromGenesis(NodeId our, List<NodeId> genesis, boolean singleMode, StandIns standIns,
                                            boolean decides) {
        return new ParsecReplica(our, genesis, singleMode, standIns, decides);
    }

    /**
     * Votes (the reference's {@code vote_for}).
     *
     * @param vote what to vote for
     */
    public void vote(Vote vote) {
        try {
            core.voteFor(observation(vote));
        } catch (ParsecError e) {
            throw refused(e);
        }
    }

    /**
     * @param random the stream to draw from, as the {@code parsec} Decider draws its gossip peer
     * @return a peer we may gossip to, or null (and nothing drawn) if there is none
     */
    public NodeId gossipPeer(SeededRandom random) {
        return core.gossipRecipient(random);
    }

    /**
     * Makes our Requesting event for the peer (the reference's {@code create_gossip}).
     *
     * @param peer the recipient
     * @return the events to send it: those it lacks, our Requesting last
     */
    public List<GraphEvent> gossipTo(NodeId peer) {
        try {
            return out(core.createGossip(peer));
        } catch (ParsecError e) {
            throw refused(e);
        }
    }

    /**
     * Takes a request and makes our Request event (the reference's {@code handle_request}).
     *
     * @param from the sender
     * @param events the request's events, parents first
     * @return the response: the events the sender lacks
     */
    public List<GraphEvent> onRequest(NodeId from, List<GraphEvent> events) {
        try {
            return out(core.handleRequest(from, in(events)));
        } catch (ParsecError e) {
            throw refused(e);
        }
    }

    /**
     * Takes a response and makes our Response event (the reference's {@code handle_response}).
     *
     * @param from the responder
     * @param events the response's events, parents first
     */
    public void onResponse(NodeId from, List<GraphEvent> events) {
        try {
            core.handleResponse(from, in(events));
        } catch (ParsecError e) {
            throw refused(e);
        }
    }

    /**
     * @param indexByCreator an index by creator
     * @return the causes of our events at that index: one, or none if we have no event there yet
     */
    public List<Cause> ourEventsAt(int indexByCreator) {
        List<Cause> out = new ArrayList<>();
        for (int i : core.peers.our().eventsAt(indexByCreator)) {
            out.add(core.graph.get(i).cause);
        }
        return out;
    }

    /** @return the number of events in the graph, ours included */
    public int graphSize() {
        return core.graph.size();
    }

    /** @return the observations decided so far, in order (not a copy) */
    public List<Decided> decisions() {
        return Collections.unmodifiableList(decisions);
    }

    /** @return the graph in the reference's annotated DOT format, as the Decider's {@code toDot()} writes it */
    public String toDot() {
        return DotWriter.write(core);
    }

    private List<Incoming> in(List<GraphEvent> events) {
        List<Incoming> out = new ArrayList<>(events.size());
        for (GraphEvent e : events) {
            out.add(new Incoming(e.hash(), e.creator(), e.cause(), e.selfParent(), e.otherParent(), e.recipient(),
                    e.vote() == null ? null : observation(e.vote()), new byte[0], new byte[0], null));
        }
        return out;
    }

    /** The events as a view that converts each as it is read: a replay that drops what it sent pays nothing. */
    private List<GraphEvent> out(List<Event> events) {
        return new AbstractList<>() {
            @Override
            public GraphEvent get(int index) {
                Incoming in = core.toIncoming(events.get(index));
                return new GraphEvent(in.hash(), in.creator(), in.cause(), in.selfParent(), in.otherParent(),
                        in.recipient(), in.observation() == null ? null : vote(in.observation()));
            }

            @Override
            public int size() {
                return events.size();
            }
        };
    }

    private static Observation observation(Vote vote) {
        if (vote instanceof Vote.Genesis g) {
            return new Observation.Genesis(g.group(), new byte[0]);
        } else if (vote instanceof Vote.Add a) {
            return new Observation.Add(a.peer(), new byte[0]);
        } else if (vote instanceof Vote.Remove r) {
            return new Observation.Remove(r.peer(), new byte[0]);
        }
        return new Observation.Opaque(((Vote.Opaque) vote).payload());
    }

    private static Vote vote(Observation o) {
        if (o instanceof Observation.Genesis g) {
            return new Vote.Genesis(g.group());
        } else if (o instanceof Observation.Add a) {
            return new Vote.Add(a.peer());
        } else if (o instanceof Observation.Remove r) {
            return new Vote.Remove(r.peer());
        } else if (o instanceof Observation.Opaque p) {
            return new Vote.Opaque(p.payload());
        }
        throw new IllegalArgumentException("a replica votes for no accusation: " + o);
    }

    private static IllegalStateException refused(ParsecError e) {
        return new IllegalStateException(e.getMessage(), e);
    }
}
