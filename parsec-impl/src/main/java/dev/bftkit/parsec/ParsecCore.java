package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.parsec.GraphState.ObservationInfo;
import dev.bftkit.parsec.GraphState.SignatureCheck;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The PARSEC state machine: gossip graph, peer list, observations and the meta-election, ported from the
 * reference's {@code src/parsec.rs} (release 0.7.3) with its quirks, so that recorded graphs replay to the same
 * decisions. It neither signs nor encodes: own events are sealed by an {@link EventSealer}, received events arrive
 * decoded as {@link Incoming} with a {@link SignatureCheck}, and observations are hashed by an
 * {@link ObservationHasher}. The same processing therefore serves live gossip and replay of recorded graphs.
 *
 * <p>Single-threaded and deterministic: nothing here depends on hash-map iteration order or the clock.
 */
final class ParsecCore {

    /** Hashes an observation to 32 bytes (or the suite's hash length). */
    interface ObservationHasher {
        byte[] hash(Observation observation);
    }

    /** Makes our own events: hash, signature and wire bytes, and signs our votes. */
    interface EventSealer {
        Sealed seal(Content content);

        byte[] signVote(byte[] observationHash);
    }

    /** Told about every event inserted into the graph and every decided block group, in order. */
    interface Listener {
        default void inserted(Event event) {
        }

        default void decided(int eventIndex, List<ObservationKey> keys, List<Block> blocks) {
        }

        /** A voter's sync event got its meta-event (again, after a restart). */
        default void metaEvent(Event event, MetaEvent metaEvent) {
        }
    }

    /**
     * The content of an own event, for the sealer.
     *
     * @param creator us
     * @param cause the cause
     * @param selfParent the self-parent's hash, or null
     * @param otherParent the other-parent's hash, or null
     * @param recipient the recipient of a Requesting, or null
     * @param observation the vote's observation, or null
     * @param voteSignature the vote's signature, or empty
     * @param indexByCreator the event's index by creator
     */
    record Content(NodeId creator, Cause cause, byte[] selfParent, byte[] otherParent, NodeId recipient,
                   Observation observation, byte[] voteSignature, int indexByCreator) {
    }

    /**
     * What the sealer made.
     *
     * @param hash the event hash
     * @param signature its signature
     * @param wire its encoding, or null
     */
    record Sealed(byte[] hash, byte[] signature, byte[] wire) {
    }

    /** Stores the observation under its key if new; @return the store's key instance */
    private ObservationKey store(ObservationKey key, Observation observation) {
        ObservationInfo info = observations.get(key);
        if (info == null) {
            observations.put(key, new ObservationInfo(observation, key));
            return key;
        }
        return info.key;
    }

    /** A sync (or accusation) event to create once we have our Initial event. */
    record PendingEvent(boolean isRequest, int otherParent, int offender, Malice malice) {
        boolean isAccusation() {
            return malice != null;
        }
    }

    final PeerList peers;
    final Graph graph = new Graph();
    final Map<ObservationKey, ObservationInfo> observations = new HashMap<>();
    /** The graph, peers and observations above, as the malice detector and the accusation judge read them. */
    final GraphState state;
    final ArrayDeque<List<Block>> consensusedBlocks = new ArrayDeque<>();
    final MetaElection meta;
    final boolean singleMode;
    private final EventSealer sealer;
    private final ObservationHasher hasher;
    private final List<PendingEvent> pendingEvents = new ArrayList<>();
    private Listener listener = new Listener() {
    };
    /** Malice detection, or null when off (recorded graphs are replayed as the reference's default build). */
    MaliceDetector malice;
    /**
     * False skips consensus processing (the reference's {@code ignore_process_events}): for the peers of a
     * generated benchmark graph, whose own decisions nobody reads.
     */
    boolean processing = true;
    /** Planted defects for mutation tests; {@link Mutations#NONE} everywhere else. */
    Mutations mutations = Mutations.NONE;
    /** What received events a live Decider takes from each creator, or null to take all (recorded graphs). */
    Admission admission;
    /**
     * The hash of the received event {@link #unpack} let past its creator's removal (another member's event in its
     * message builds on it), or of the stored event being restored; {@link #confirmCanAddEvent} takes it.
     */
    private byte[] carriedPastRemoval;

    private ParsecCore(PeerList peers, Set<Integer> voters, boolean singleMode, EventSealer sealer,
                       ObservationHasher hasher, SignatureCheck signatureCheck, Function<NodeId, String> namer) {
        this.peers = peers;
        this.state = new GraphState(peers, graph, observations, namer, signatureCheck);
        this.meta = new MetaElection(graph, voters);
        this.singleMode = singleMode;
        this.sealer = sealer;
        this.hasher = hasher;
    }

    /**
     * The reference's {@code from_genesis}: we and the other genesis members are active voters; the graph starts
     * with our Initial event and our vote for Genesis.
     */
    static ParsecCore fromGenesis(NodeId our, List<NodeId> genesis, byte[] relatedInfo, boolean singleMode,
                                  EventSealer sealer, ObservationHasher hasher, SignatureCheck signatureCheck,
                                  Function<NodeId, String> namer, Listener listener) {
        ParsecCore core = forGenesis(our, genesis, singleMode, sealer, hasher, signatureCheck, namer, listener);
        core.addOwnInitialAndGenesis(relatedInfo);
        return core;
    }

    /** Our Initial event, then our vote for the genesis group (the voters at construction). */
    void addOwnInitialAndGenesis(byte[] relatedInfo) {
        List<NodeId> group = new ArrayList<>();
        for (int i : meta.voters) {
            group.add(peers.get(i).id);
        }
        addInitialEvent();
        addEvent(newObservationEvent(ourLastEvent(), new Observation.Genesis(sortedCopy(group), relatedInfo)));
    }

    /**
     * A genesis member's instance with no events yet, for {@link #restore}: the peer list and voters of
     * {@link #fromGenesis}.
     */
    static ParsecCore forGenesis(NodeId our, List<NodeId> genesis, boolean singleMode, EventSealer sealer,
                                 ObservationHasher hasher, SignatureCheck signatureCheck,
                                 Function<NodeId, String> namer, Listener listener) {
        List<NodeId> group = sortedCopy(genesis);
        if (!group.contains(our)) {
            throw new IllegalArgumentException("the genesis group must contain us");
        }
        PeerList peers = new PeerList(our, namer.apply(our));
        Set<Integer> voters = new TreeSet<>();
        for (NodeId id : group) {
            if (id.equals(our)) {
                peers.addState(PeerList.OUR, PeerState.ACTIVE);
                voters.add(PeerList.OUR);
            } else {
                voters.add(peers.add(id, namer.apply(id), PeerState.ACTIVE));
            }
        }
        ParsecCore core = new ParsecCore(peers, voters, singleMode, sealer, hasher, signatureCheck, namer);
        core.listener = listener;
        return core;
    }

    /**
     * Re-inserts one stored event, in the order it was first inserted, with the same consensus processing; our
     * own events are taken as they were signed, so a restarted node never signs a second event at an index.
     */
    void restore(Incoming stored) {
        carriedPastRemoval = stored.hash(); // taken once, in this order: a carried event of a removed creator too
        Event event = unpack(stored);
        if (event == null) {
            throw new ParsecError(ParsecError.Kind.INVALID_EVENT, "stored event held twice");
        }
        if (event.creator == PeerList.OUR && event.cause == Cause.INITIAL) {
            insertEvent(event);
            return;
        }
        addEvent(event);
        if (event.creator != PeerList.OUR) {
            peers.addState(event.creator, PeerState.RECV);
        }
    }

    /**
     * The reference's {@code from_existing}: we join an existing section; the graph stays empty until we decide
     * our own Add.
     */
    static ParsecCore fromExisting(NodeId our, List<NodeId> genesis, List<NodeId> section, boolean singleMode,
                                   EventSealer sealer, ObservationHasher hasher, SignatureCheck signatureCheck,
                                   Function<NodeId, String> namer, Listener listener) {
        if (genesis.isEmpty() || genesis.contains(our) || section.isEmpty() || section.contains(our)) {
            throw new IllegalArgumentException("genesis and section must be non-empty and must not contain us");
        }
        PeerList peers = new PeerList(our, namer.apply(our));
        peers.addState(PeerList.OUR, PeerState.RECV);
        Set<Integer> voters = new TreeSet<>();
        for (NodeId id : sortedCopy(genesis)) {
            voters.add(peers.add(id, namer.apply(id), PeerState.VOTE | PeerState.SEND));
        }
        for (NodeId id : sortedCopy(section)) {
            if (peers.indexOf(id) < 0) {
                peers.add(id, namer.apply(id), PeerState.SEND);
            }
        }
        ParsecCore core = new ParsecCore(peers, voters, singleMode, sealer, hasher, signatureCheck, namer);
        core.listener = listener;
        return core;
    }

    private static List<NodeId> sortedCopy(List<NodeId> ids) {
        return List.copyOf(new TreeSet<>(ids));
    }

    NodeId ourId() {
        return peers.our().id;
    }

    // ----------------------------------------------------------------------------------------------- public API

    /** The reference's {@code vote_for}. */
    void voteFor(Observation observation) {
        confirmSelfState(PeerState.VOTE);
        if (haveVotedFor(observation)) {
            throw new ParsecError(ParsecError.Kind.DUPLICATE_VOTE, "we already voted for this observation");
        }
        flushPendingEvents();
        Event event = newObservationEvent(ourLastEvent(), observation);
        addEvent(event);
        createSoleVoterGossipEvent();
    }

    boolean haveVotedFor(Observation observation) {
        byte[] hash = hasher.hash(observation);
        ObservationInfo info = observations.get(keyFor(hash, PeerList.OUR, observation));
        return info != null && info.createdByUs;
    }

    /** @return whether any known vote is not yet decided */
    boolean hasUnconsensusedObservations() {
        for (ObservationInfo info : observations.values()) {
            if (!info.consensused) {
                return true;
            }
        }
        return false;
    }

    /** The reference's {@code create_gossip}: our Requesting event, then the events the peer lacks. */
    List<Event> createGossip(NodeId peer) {
        int index = peerIndex(peer);
        confirmAllowedToGossipTo(index);
        addRequestingEvent(index);
        return lackedBy(index);
    }

    /** @return the events the peer lacks: all of them if we hold nothing of the peer's */
    private List<Event> lackedBy(int peer) {
        return peers.get(peer).lastEvent() >= 0 ? eventsToGossipToPeer(peer) : new ArrayList<>(graph.events());
    }

    /**
     * A live Decider's gossip (the reference's {@code create_gossip} is kept as it is for recorded graphs and
     * benchmarks): as {@link #createGossip}, except that while nothing but our own Requestings has been inserted
     * since one of them that is addressed to this peer, that Requesting is sent again, with what the peer lacks up to
     * it, and no new event is signed. A new Requesting would see exactly what that one sees; unanswered ones (a node
     * cut off, or gossiping to a stopped member) would otherwise lengthen our chain with nothing any peer can build
     * on, past the height other nodes admit ({@link Admission}). An answer, a vote or any event received ends the
     * run, so our chain grows by at most one Requesting per other member between two such events.
     */
    List<Event> gossipTo(NodeId peer) {
        int index = peerIndex(peer);
        int again = unansweredRequestingTo(index);
        if (again < 0) {
            return createGossip(peer);
        }
        confirmAllowedToGossipTo(index);
        List<Event> out = lackedBy(index);
        out.removeIf(e -> e.index > again);
        return out;
    }

    /**
     * @return the graph index of our Requesting to the peer among the Requestings of ours the graph ends with (none
     *     answered, nothing else inserted since), or -1
     */
    private int unansweredRequestingTo(int peer) {
        for (int i = graph.size() - 1; i >= 0; i--) {
            Event e = graph.get(i);
            if (e.creator != PeerList.OUR || e.cause != Cause.REQUESTING) {
                return -1;
            }
            if (e.recipient == peer) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @return how many events {@link #createGossip} would send the peer, our new Requesting excluded (at least as many
     *     as {@link #gossipTo} sends)
     */
    int gossipSize(NodeId peer) {
        int index = peerIndex(peer);
        return lackedBy(index).size();
    }

    /**
     * The reference's {@code handle_request}: absorb, create our Request, answer with what they lack. A Requesting
     * we answered already (sent again by {@link #gossipTo} because our answer never reached its creator) gets the
     * same answer again: what the peer lacks up to our Request, which is the message's last event, and no new event.
     */
    List<Event> handleRequest(NodeId src, List<Incoming> events) {
        int srcIndex = peerIndex(src);
        int otherParent = unpackAndAddEvents(srcIndex, events);
        queueAccusations(otherParent);
        Peer peer = peers.get(srcIndex);
        if (otherParent == peer.answeredRequesting) {
            int answer = peer.ourAnswer;
            List<Event> out = eventsToGossipToPeer(srcIndex);
            out.removeIf(e -> e.index > answer);
            return out;
        }
        createSyncEvent(true, otherParent);
        flushPendingEvents();
        return eventsToGossipToPeer(srcIndex);
    }

    /**
     * The reference's {@code handle_response}: absorb, create our Response; none when we answered that Request
     * already (the same answer again, see {@link #handleRequest}, or one the network delivered twice).
     */
    void handleResponse(NodeId src, List<Incoming> events) {
        int srcIndex = peerIndex(src);
        int otherParent = unpackAndAddEvents(srcIndex, events);
        queueAccusations(otherParent);
        if (otherParent != peers.get(srcIndex).respondedRequest) {
            createSyncEvent(false, otherParent);
        }
        flushPendingEvents();
    }

    /** One of our graph's events as another peer receives it (for in-process networks). */
    Incoming toIncoming(Event e) {
        return new Incoming(e.hash, peers.get(e.creator).id, e.cause,
                e.selfParent < 0 ? null : graph.get(e.selfParent).hash,
                e.otherParent < 0 ? null : graph.get(e.otherParent).hash,
                e.recipient < 0 ? null : peers.get(e.recipient).id, e.observation, e.voteSignature, e.signature,
                e.wire);
    }

    /** @return the next decided block group, or null */
    List<Block> pollGroup() {
        return consensusedBlocks.poll();
    }

    List<NodeId> gossipRecipients() {
        List<NodeId> out = new ArrayList<>();
        for (int i : peers.gossipRecipients()) {
            out.add(peers.get(i).id);
        }
        return out;
    }

    /**
     * A peer to send our next gossip to, drawn from the stream among {@link #gossipRecipients()} ({@link #draw});
     * null, and nothing drawn, if we may gossip to nobody.
     */
    NodeId gossipRecipient(SeededRandom random) {
        List<NodeId> recipients = gossipRecipients();
        return recipients.isEmpty() ? null : recipients.get(draw(random, recipients.size()));
    }

    /**
     * An index below {@code bound} drawn from the stream as PARSEC has always drawn it: the unsigned remainder of its
     * next 64 bits by the bound. That is slightly biased where {@link SeededRandom#nextInt} is not, but it keeps every
     * seed's runs and generated graphs as they were.
     */
    static int draw(SeededRandom random, int bound) {
        return (int) Long.remainderUnsigned(random.nextLong(), bound);
    }

    // ------------------------------------------------------------------------------------------- peer states

    int peerIndex(NodeId id) {
        int index = peers.indexOf(id);
        if (index < 0) {
            throw new ParsecError(ParsecError.Kind.UNKNOWN_PEER, "unknown peer " + id);
        }
        return index;
    }

    private void confirmAllowedToGossipTo(int peer) {
        confirmSelfState(PeerState.SEND);
        confirmPeerState(peer, PeerState.DKG | PeerState.RECV);
    }

    void confirmPeerState(int peer, int required) {
        int actual = peers.state(peer);
        if (!PeerState.contains(actual, required)) {
            throw new ParsecError(ParsecError.Kind.INVALID_PEER_STATE, "peer " + peers.get(peer).name + " has "
                    + PeerState.describe(actual) + ", needs " + PeerState.describe(required));
        }
    }

    void confirmSelfState(int required) {
        int actual = peers.ourState();
        if (!PeerState.contains(actual, required)) {
            throw new ParsecError(ParsecError.Kind.INVALID_SELF_STATE,
                    "we have " + PeerState.describe(actual) + ", need " + PeerState.describe(required));
        }
    }

    private void confirmCanAddEvent(Event event) {
        Peer peer = peers.get(event.creator);
        if (event.creator == PeerList.OUR || PeerState.contains(peer.state, PeerState.SEND)) {
            return;
        }
        if (carriedPastRemoval != null && Arrays.equals(carriedPastRemoval, event.hash)) {
            // Carried by another member's event of its message: honest members built on it (see unpack).
            return;
        }
        if (peer.removalEvent >= 0 && !event.isDescendantOf(graph.get(peer.removalEvent))) {
            // Removed, but the creator cannot know yet.
            return;
        }
        throw new ParsecError(ParsecError.Kind.INVALID_PEER_STATE,
                "creator " + peer.name + " may not send (" + PeerState.describe(peer.state) + ")");
    }

    int ourLastEvent() {
        int last = peers.our().lastEvent();
        if (last < 0) {
            throw new ParsecError(ParsecError.Kind.LOGIC, "we have no events yet");
        }
        return last;
    }

    // ------------------------------------------------------------------------------------------- events in

    private int unpackAndAddEvents(int src, List<Incoming> events) {
        confirmSelfState(PeerState.RECV);
        confirmPeerState(src, PeerState.SEND);
        if (events.isEmpty()) {
            throw new ParsecError(ParsecError.Kind.INVALID_MESSAGE, "empty gossip message");
        }
        byte[] lastHash = events.get(events.size() - 1).hash();
        if (admission != null) {
            admission.begin(events);
        }
        // held-back event's hash -> the refusal it comes from; looked up only, never iterated
        Map<java.nio.ByteBuffer, Admission.Refused> heldBack = new HashMap<>();
        for (int k = 0; k < events.size(); k++) {
            Incoming in = events.get(k);
            Event event;
            try {
                event = heldBack(in, heldBack) ? null : unpack(in, k);
            } catch (Admission.Refused r) {
                event = null;
                heldBack.put(java.nio.ByteBuffer.wrap(in.hash()), r);
            }
            if (event != null) {
                int creator = event.creator;
                int index = addEvent(event);
                peers.addState(creator, PeerState.RECV);
                if (malice != null) {
                    malice.detectAccomplice(index);
                }
            }
        }
        if (malice != null) {
            malice.detectPrematureGossip();
        }
        Admission.Refused lastRefused = heldBack.get(java.nio.ByteBuffer.wrap(lastHash));
        if (lastRefused != null && !graph.contains(lastHash)) {
            throw new ParsecError(lastRefused.kind(), heldBack.size() + " events of the message are held back, its"
                    + " last among them, for " + lastRefused.detail());
        }
        int last = graph.indexOf(lastHash);
        if (last < 0) {
            throw new ParsecError(ParsecError.Kind.INVALID_MESSAGE, "the message's last event is not in the graph");
        }
        return last;
    }

    /**
     * Whether the event builds on one held back earlier in its message (then it is held back too, for the same
     * refusal).
     */
    private static boolean heldBack(Incoming in, Map<java.nio.ByteBuffer, Admission.Refused> heldBack) {
        if (heldBack.isEmpty()) {
            return false;
        }
        Admission.Refused cause = in.selfParent() == null ? null
                : heldBack.get(java.nio.ByteBuffer.wrap(in.selfParent()));
        if (cause == null && in.otherParent() != null) {
            cause = heldBack.get(java.nio.ByteBuffer.wrap(in.otherParent()));
        }
        if (cause != null) {
            heldBack.put(java.nio.ByteBuffer.wrap(in.hash()), cause);
        }
        return cause != null;
    }

    /** Resolves a received event against the graph; null if we already hold it. */
    Event unpack(Incoming in) {
        return unpack(in, -1);
    }

    /**
     * Resolves the event at {@code position} of a received message (or, at -1, one taken without
     * {@link Admission}) against the graph; null if we already hold it.
     */
    private Event unpack(Incoming in, int position) {
        if (graph.contains(in.hash())) {
            // Known: the hash covers the whole content, so a second copy adds nothing (checked first, unlike the
            // reference, only to save a signature check).
            return null;
        }
        if (!state.verifies(in)) {
            throw new ParsecError(ParsecError.Kind.SIGNATURE_FAILURE, "bad signature on an event by " + in.creator());
        }
        int creator = peerIndex(in.creator());
        int selfParent = -1;
        if (in.selfParent() != null) {
            selfParent = graph.indexOf(in.selfParent());
            if (selfParent < 0) {
                throw new ParsecError(ParsecError.Kind.UNKNOWN_SELF_PARENT, "unknown self-parent");
            }
        }
        int otherParent = -1;
        if (in.otherParent() != null) {
            otherParent = graph.indexOf(in.otherParent());
            if (otherParent < 0) {
                throw new ParsecError(ParsecError.Kind.UNKNOWN_OTHER_PARENT, "unknown other-parent");
            }
        }
        int recipient = in.recipient() == null ? -1 : peerIndex(in.recipient());
        if (admission != null && position >= 0) {
            int index = selfParent < 0 ? 0 : graph.get(selfParent).indexByCreator + 1;
            admission.admit(creator, index, peers.get(creator).eventsAt(index).length, position);
        }
        if (position >= 0 && pastRemoval(creator, selfParent, otherParent)) {
            if (admission == null || !admission.carriedByMember(position, creator)) {
                throw new Admission.Refused(ParsecError.Kind.INVALID_PEER_STATE, "an event of "
                        + peers.get(creator).name + ", removed, that descends from the event at which we decided"
                        + " its removal, and that no other member's event in the message builds on");
            }
            carriedPastRemoval = in.hash();
        }
        ObservationKey key = null;
        if (in.observation() != null) {
            byte[] obsHash = hasher.hash(in.observation());
            key = store(keyFor(obsHash, creator, in.observation()), in.observation());
        }
        return build(creator, in.cause(), selfParent, otherParent, recipient, key, in.observation(),
                in.voteSignature(), in.hash(), in.signature(), in.wire());
    }

    /**
     * Whether an event of this creator with these parents is one {@link #confirmCanAddEvent} refuses as past its
     * creator's removal: the creator was removed here and the event descends from the event at which we decided it.
     */
    private boolean pastRemoval(int creator, int selfParent, int otherParent) {
        Peer peer = peers.get(creator);
        if (creator == PeerList.OUR || PeerState.contains(peer.state, PeerState.SEND)) {
            return false;
        }
        if (peer.removalEvent < 0) {
            return false; // never a sender here: confirmCanAddEvent refuses it whatever carries it
        }
        Event removal = graph.get(peer.removalEvent);
        return selfParent == peer.removalEvent || otherParent == peer.removalEvent
                || selfParent >= 0 && graph.get(selfParent).isDescendantOf(removal)
                || otherParent >= 0 && graph.get(otherParent).isDescendantOf(removal);
    }

    private Event build(int creator, Cause cause, int selfParent, int otherParent, int recipient,
                        ObservationKey key, Observation observation, byte[] voteSignature, byte[] hash,
                        byte[] signature, byte[] wire) {
        int indexByCreator = selfParent < 0 ? 0 : graph.get(selfParent).indexByCreator + 1;
        int forkIndex = peers.get(creator).eventsAt(indexByCreator).length;
        Ancestry ancestry = Ancestry.compute(creator, indexByCreator, forkIndex,
                selfParent < 0 ? null : graph.get(selfParent).ancestry,
                otherParent < 0 ? null : graph.get(otherParent).ancestry);
        return new Event(graph.size(), creator, cause, selfParent, otherParent, recipient, indexByCreator, forkIndex,
                key, observation, voteSignature, ancestry, hash, signature, wire);
    }

    ObservationKey keyFor(byte[] hash, int creator, Observation observation) {
        boolean single = singleMode && observation instanceof Observation.Opaque;
        return new ObservationKey(hash, single ? creator : ObservationKey.NO_CREATOR);
    }

    // ------------------------------------------------------------------------------------------- own events

    private Event buildOwn(Cause cause, int selfParent, int otherParent, int recipient, Observation observation,
                           ObservationKey key, byte[] voteSignature) {
        int indexByCreator = selfParent < 0 ? 0 : graph.get(selfParent).indexByCreator + 1;
        // Safety: an honest node never signs two events at one index of its own chain (a fork of its own).
        assert peers.our().eventsAt(indexByCreator).length == 0
                : "our own chain would fork at index " + indexByCreator;
        Sealed sealed = sealer.seal(new Content(ourId(), cause,
                selfParent < 0 ? null : graph.get(selfParent).hash,
                otherParent < 0 ? null : graph.get(otherParent).hash,
                recipient < 0 ? null : peers.get(recipient).id, observation, voteSignature, indexByCreator));
        return build(PeerList.OUR, cause, selfParent, otherParent, recipient, key, observation, voteSignature,
                sealed.hash(), sealed.signature(), sealed.wire());
    }

    Event newObservationEvent(int selfParent, Observation observation) {
        byte[] hash = hasher.hash(observation);
        ObservationKey key = store(keyFor(hash, PeerList.OUR, observation), observation);
        byte[] voteSignature = sealer.signVote(hash);
        return buildOwn(Cause.OBSERVATION, selfParent, -1, -1, observation, key, voteSignature);
    }

    private void addInitialEvent() {
        insertEvent(buildOwn(Cause.INITIAL, -1, -1, -1, null, null, new byte[0]));
    }

    private void addRequestingEvent(int recipient) {
        addEvent(buildOwn(Cause.REQUESTING, ourLastEvent(), -1, recipient, null, null, new byte[0]));
    }

    private void createSoleVoterGossipEvent() {
        if (meta.voters.size() == 1 && meta.voters.contains(PeerList.OUR)) {
            addRequestingEvent(PeerList.OUR);
        }
    }

    private void createSyncEvent(boolean isRequest, int otherParent) {
        processOrQueuePendingEvent(new PendingEvent(isRequest, otherParent, -1, null));
    }

    /** Queues the accusations the malice detector found, to be voted just before our next sync event. */
    private void queueAccusations(int otherParent) {
        if (malice == null) {
            return;
        }
        for (MaliceDetector.Pending p : malice.takeAccusations()) {
            processOrQueuePendingEvent(new PendingEvent(false, otherParent, p.offender(), p.malice()));
        }
    }

    private void processOrQueuePendingEvent(PendingEvent pending) {
        if (peers.our().lastEvent() < 0) {
            pendingEvents.add(pending);
        } else {
            processPendingEvent(pending);
        }
    }

    private void processPendingEvent(PendingEvent pending) {
        if (pending.isAccusation()) {
            voteAccusation(pending.offender(), pending.malice());
            return;
        }
        Event event = buildOwn(pending.isRequest() ? Cause.REQUEST : Cause.RESPONSE, ourLastEvent(),
                pending.otherParent(), -1, null, null, new byte[0]);
        if (malice != null && !malice.isValidSyncEvent(event)) {
            throw new ParsecError(ParsecError.Kind.INVALID_MESSAGE,
                    "the message does not let us follow the Requesting -> Request -> Response pattern");
        }
        addEvent(event);
    }

    private void flushPendingEvents() {
        if (peers.our().chainLength() == 0) {
            return;
        }
        List<PendingEvent> pending = new ArrayList<>(pendingEvents);
        pendingEvents.clear();
        for (PendingEvent p : pending) {
            processPendingEvent(p);
        }
    }

    /**
     * Votes the accusation now, before the sync event that follows. The reference waits until the accused events
     * are ancestors of that sync event, so that whoever judges the accusation holds them; but a fork whose
     * branches arrived in a message we rejected midway may never become an ancestor, and an honest node whose
     * accusation waits would then look like an accomplice of the forker. bftkit votes at once and judges others'
     * accusations only on what its own graph proves ({@link AccusationJudge}).
     */
    private void voteAccusation(int offender, Malice malice) {
        addOwnObservationEvent(new Observation.Accusation(peers.get(offender).id, malice));
    }

    /** Adds a voting event of ours (an accusation, or an adversary's vote). */
    void addOwnObservationEvent(Observation observation) {
        addEvent(newObservationEvent(ourLastEvent(), observation));
    }

    // ------------------------------------------------------------------------------------------- insertion

    /** The reference's {@code add_event}: checks, inserts, then runs consensus from the new event on. */
    int addEvent(Event event) {
        boolean our = event.creator == PeerList.OUR;
        if (!our && malice != null) {
            malice.detectMalice(event);
        }
        confirmCanAddEvent(event);
        if (our && event.cause == Cause.INITIAL) {
            throw new ParsecError(ParsecError.Kind.INVALID_EVENT, "our Initial event is added on its own");
        }
        ObservationKey unconsensusedKey = null;
        if (event.payloadKey != null) {
            ObservationInfo info = observations.get(event.payloadKey);
            if (info != null) {
                if (our) {
                    info.createdByUs = true;
                }
                if (!info.consensused) {
                    unconsensusedKey = event.payloadKey;
                }
            }
        }
        insertEvent(event);
        if (unconsensusedKey != null) {
            meta.addUnconsensusedEvent(event.index, unconsensusedKey);
        }
        if (processing) {
            processEvents(event.index);
        }
        return event.index;
    }

    private void insertEvent(Event event) {
        graph.add(event);
        peers.get(event.creator).addEvent(event.indexByCreator, event.index);
        if (event.creator == PeerList.OUR && event.otherParent >= 0) {
            Peer other = peers.get(graph.get(event.otherParent).creator);
            if (event.cause == Cause.REQUEST) {
                other.answeredRequesting = event.otherParent;
                other.ourAnswer = event.index;
            } else if (event.cause == Cause.RESPONSE) {
                other.respondedRequest = event.otherParent;
            }
        }
        if (malice != null) {
            malice.inserted(event);
        }
        listener.inserted(event);
    }

    private void processEvents(int start) {
        outer:
        while (true) {
            for (int i = start; i < graph.size(); i++) {
                int restart = processEvent(i);
                if (restart >= 0 && restart <= i) {
                    start = restart;
                    continue outer;
                }
            }
            return;
        }
    }

    /** @return -1 to continue, or the index to restart processing from after a decision */
    private int processEvent(int index) {
        if (peers.ourState() == PeerState.INACTIVE) {
            return -1;
        }
        createNeededMetaEvent(index);
        List<ObservationKey> keys = computeConsensus(index);
        if (keys.isEmpty()) {
            return -1;
        }
        List<Block> blocks = createBlocks(keys);
        if (!blocks.isEmpty()) {
            consensusedBlocks.add(blocks);
        }
        for (ObservationKey key : keys) {
            ObservationInfo info = observations.get(key);
            if (info != null) {
                info.consensused = true;
            }
        }
        List<int[]> changes = new ArrayList<>();
        for (ObservationKey key : keys) {
            int[] change = handleConsensus(index, key);
            if (change != null) {
                changes.add(change);
            }
        }
        meta.newElection(keys, changes);
        listener.decided(index, keys, blocks);
        return meta.continueStart;
    }

    /** @return {+1, peer} for an added voter, {-1, peer} for a removed one, or null */
    private int[] handleConsensus(int eventIndex, ObservationKey key) {
        ObservationInfo info = observations.get(key);
        if (info == null) {
            return null;
        }
        Observation o = info.observation;
        if (o instanceof Observation.Add a) {
            return handleAddPeer(a.peer());
        } else if (o instanceof Observation.Remove r) {
            return handleRemovePeer(eventIndex, r.peer());
        } else if (o instanceof Observation.Accusation a) {
            return handleRemovePeer(eventIndex, a.offender());
        }
        return null;
    }

    private int[] handleAddPeer(NodeId id) {
        int bits = newPeerCanRecv(id) ? PeerState.VOTE | PeerState.SEND | PeerState.RECV
                : PeerState.VOTE | PeerState.SEND;
        int index = peers.indexOf(id);
        if (index >= 0) {
            peers.addState(index, bits);
        } else {
            index = peers.add(id, state.nameOf(id), bits);
        }
        if (index == PeerList.OUR && peers.our().chainLength() == 0) {
            addInitialEvent();
        }
        return new int[] {1, index};
    }

    private boolean newPeerCanRecv(NodeId id) {
        for (int i = 1; i < peers.size(); i++) {
            Peer p = peers.get(i);
            if (PeerState.contains(p.state, PeerState.VOTE) && !p.id.equals(id)
                    && !PeerState.contains(p.state, PeerState.RECV)) {
                return false;
            }
        }
        return true;
    }

    private int[] handleRemovePeer(int eventIndex, NodeId id) {
        int index = peers.indexOf(id);
        if (index < 0) {
            return null;
        }
        peers.remove(index, eventIndex);
        return new int[] {-1, index};
    }

    // ------------------------------------------------------------------------------------------- meta-events

    private void createNeededMetaEvent(int index) {
        Event event = graph.get(index);
        if (!event.isSync() || !meta.voters.contains(event.creator)) {
            return;
        }
        MetaEvent m = meta.metaEvents.remove(index);
        boolean isNew = m == null;
        if (isNew) {
            m = new MetaEvent();
            setInterestingContent(event, m);
        } else {
            m.metaVotes = new MetaVotes(0);
        }
        setObserver(event, m);
        setMetaVotes(event, m);
        meta.addMetaEvent(event, m);
        listener.metaEvent(event, m);
    }

    private void setInterestingContent(Event event, MetaEvent m) {
        LinkedHashMap<ObservationKey, List<Event>> candidates = new LinkedHashMap<>();
        Set<ObservationKey> already = alreadyInteresting(event);
        for (int u = 0; u < meta.unconsensused.size(); u++) {
            Event e = graph.get(meta.unconsensused.get(u));
            if (!event.isDescendantOf(e) || already.contains(e.payloadKey)) {
                continue;
            }
            candidates.computeIfAbsent(e.payloadKey, k -> new ArrayList<>()).add(e);
        }
        List<Map.Entry<Integer, ObservationKey>> interesting = new ArrayList<>();
        int ancestorVoters = -1;
        for (Map.Entry<ObservationKey, List<Event>> c : candidates.entrySet()) {
            if (c.getKey().isSingle() && ancestorVoters < 0) {
                ancestorVoters = votersInAncestry(event);
            }
            if (!isInterestingPayload(event, c.getKey(), ancestorVoters)) {
                continue;
            }
            int own = Integer.MAX_VALUE;
            for (Event e : c.getValue()) {
                if (e.creator == event.creator) {
                    own = Math.min(own, e.indexByCreator);
                }
            }
            interesting.add(Map.entry(own, c.getKey()));
        }
        interesting.sort(Comparator.<Map.Entry<Integer, ObservationKey>>comparingInt(Map.Entry::getKey)
                .thenComparing(Map.Entry::getValue, this::consistentCompare));
        for (Map.Entry<Integer, ObservationKey> e : interesting) {
            m.interestingContent.add(e.getValue());
        }
    }

    /** The keys the event's interesting content leaves out: those its creator already found interesting. */
    private Set<ObservationKey> alreadyInteresting(Event event) {
        if (!mutations.insertionOrder()) {
            return meta.interestingToSelfAncestors(event);
        }
        Set<ObservationKey> all = new HashSet<>();
        MetaElection.Interesting i = meta.interestingEvents.get(event.creator);
        if (i != null) {
            i.contents.forEach(all::addAll);
        }
        return all;
    }

    /** The number of voters with an event among the event's ancestors. */
    private int votersInAncestry(Event event) {
        int count = 0;
        for (int p : meta.voterArray()) {
            if (event.ancestry.last(p) >= 0) {
                count++;
            }
        }
        return count;
    }

    /**
     * Supermajority: more than 2/3 of the voters voted for the key among the event's ancestors. Single: more than
     * 2/3 of the voters are among its ancestors ({@code ancestorVoters}) and one ancestor carries the key.
     */
    private boolean isInterestingPayload(Event event, ObservationKey key, int ancestorVoters) {
        Set<Integer> voters = meta.voters;
        if (key.isSingle()) {
            if (!isMoreThanTwoThirds(ancestorVoters, voters.size())) {
                return false;
            }
            IntList carrying = meta.unconsensusedEvents(key);
            for (int u = 0; u < carrying.size(); u++) {
                if (event.isDescendantOf(graph.get(carrying.get(u)))) {
                    return true;
                }
            }
            return false;
        }
        Set<Integer> creators = new HashSet<>();
        IntList carrying = meta.unconsensusedEvents(key);
        for (int u = 0; u < carrying.size(); u++) {
            Event e = graph.get(carrying.get(u));
            if (voters.contains(e.creator) && event.isDescendantOf(e)) {
                creators.add(e.creator);
            }
        }
        return isMoreThanTwoThirds(creators.size(), voters.size());
    }

    private void setObserver(Event event, MetaEvent m) {
        if (isDescendantOfObserver(event)) {
            m.observer = MetaEvent.ObserverKind.ANCESTOR;
            m.observees = new TreeMap<>();
            return;
        }
        TreeMap<Integer, Integer> observees = new TreeMap<>();
        for (int voter : meta.interestingEvents.keySet()) {
            for (int first : firstInteresting(voter)) {
                if (stronglySees(event, graph.get(first))) {
                    observees.put(voter, first);
                    break;
                }
            }
        }
        if (isMoreThanTwoThirds(observees.size(), meta.voters.size())) {
            m.observer = MetaEvent.ObserverKind.THIS;
            m.observees = observees;
        } else {
            m.observer = MetaEvent.ObserverKind.NONE;
            m.observees = new TreeMap<>();
        }
    }

    /**
     * The voter's first interesting events of this election ({@link MetaElection#firstInteresting}): one per branch
     * of a forking voter. No event strongly sees two of them while at most a third of the voters misbehave: the
     * supermajorities behind the two would share an honest creator, whose later event would hold the fork.
     */
    private List<Integer> firstInteresting(int voter) {
        if (mutations.insertionOrder()) {
            MetaElection.Interesting i = meta.interestingEvents.get(voter);
            return i == null || i.events.isEmpty() ? List.of() : List.of(i.events.get(0));
        }
        return meta.firstInteresting(voter);
    }

    private boolean isDescendantOfObserver(Event event) {
        Event parent = graph.selfSyncParent(event);
        if (parent == null) {
            return false;
        }
        MetaEvent m = meta.metaEvents.get(parent.index);
        return m != null && (m.isObserver() || m.hasAncestorObserver());
    }

    /**
     * Whether x strongly sees y: more than 2/3 of the current voters c have an event z at x's last ancestor index
     * with x sees z and z sees y. The reference counts every creator, voter or not, against the voters' threshold,
     * so a removed member's events (accepted while they do not descend from its removal) stood in for voters' and
     * two supermajorities need not share an honest voter; counting voters only keeps that intersection, and the
     * recorded upstream graphs replay the same either way.
     */
    boolean stronglySees(Event x, Event y) {
        int count = 0;
        for (int p = 0; p < x.ancestry.size(); p++) {
            int last = x.ancestry.last(p);
            if (last < 0 || !meta.voters.contains(p)) {
                continue;
            }
            for (int zi : peers.get(p).eventsAt(last)) {
                Event z = graph.get(zi);
                if (x.sees(z) && z.sees(y)) {
                    count++;
                    break;
                }
            }
        }
        return isMoreThanTwoThirds(count, meta.voters.size());
    }

    private void setMetaVotes(Event event, MetaEvent m) {
        Event parent = graph.selfSyncParent(event);
        MetaVotes parentVotes = parent == null ? null : meta.populatedMetaVotes(parent.index);
        if (parentVotes == null && !m.isObserver()) {
            return;
        }
        Set<Integer> voters = meta.voters;
        int total = voters.size();
        if (total == 0 || !voters.contains(event.creator)) {
            return;
        }
        List<MetaVotes> ancestors = otherVotingAncestorsMetaVotes(event);
        int[][] others = new int[ancestors.size()][];
        MetaVotes votes = new MetaVotes(peers.size());
        if (parentVotes != null) {
            int[][] temp = new int[parentVotes.capacity()][];
            for (int p = 0; p < parentVotes.capacity(); p++) {
                int[] pv = parentVotes.get(p);
                if (pv != null) {
                    temp[p] = MetaVote.nextTemp(pv, others, peerMetaVotes(ancestors, p, others), total);
                }
            }
            for (int p = 0; p < temp.length; p++) {
                if (temp[p] != null) {
                    votes.put(p, MetaVote.nextFinal(temp[p], total));
                }
            }
        } else {
            for (int p : voters) {
                votes.put(p, MetaVote.forObserver(m.observees.containsKey(p), others,
                        peerMetaVotes(ancestors, p, others), total));
            }
        }
        m.metaVotes = votes;
    }

    private List<MetaVotes> otherVotingAncestorsMetaVotes(Event event) {
        List<MetaVotes> out = new ArrayList<>();
        for (int voter : meta.voterArray()) {
            if (voter == event.creator) {
                continue;
            }
            int last = event.nonForkLastAncestorBy(voter);
            if (last < 0) {
                continue;
            }
            int at = ancestorAt(event, voter, last);
            if (at < 0) {
                continue;
            }
            MetaVotes votes = meta.populatedMetaVotes(at);
            if (votes != null) {
                out.add(votes);
            }
        }
        return out;
    }

    /**
     * The event of the peer at that index by creator that the event descends from (a forking peer may have more
     * than one there), or -1.
     */
    private int ancestorAt(Event event, int peer, int indexByCreator) {
        int[] at = peers.get(peer).eventsAt(indexByCreator);
        if (mutations.insertionOrder()) {
            return at.length == 0 ? -1 : at[0];
        }
        for (int i : at) {
            if (event.isDescendantOf(graph.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Fills {@code out} with the ancestors' votes about {@code peer}; @return how many */
    private static int peerMetaVotes(List<MetaVotes> all, int peer, int[][] out) {
        int n = 0;
        for (int i = 0; i < all.size(); i++) {
            int[] v = all.get(i).get(peer);
            if (v != null) {
                out[n++] = v;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------- decisions

    private List<ObservationKey> computeConsensus(int index) {
        Event event = graph.get(index);
        if (meta.voters.size() == 1 && meta.voters.contains(event.creator)) {
            return payloadsForConsensus(List.of(event.creator));
        }
        MetaVotes last = meta.populatedMetaVotes(index);
        if (last == null) {
            return List.of();
        }
        List<Integer> decidedTrue = new ArrayList<>();
        int decided = 0;
        for (int p = 0; p < last.capacity(); p++) {
            int[] votes = last.get(p);
            if (votes == null || votes.length == 0) {
                continue;
            }
            int v = votes[votes.length - 1];
            if (MetaVote.isDecided(v)) {
                decided++;
                if (MetaVote.dec(v) == MetaVote.T) {
                    decidedTrue.add(p);
                }
            }
        }
        if (decided < meta.voters.size()) {
            return List.of();
        }
        return payloadsForConsensus(decidedTrue);
    }

    /** The keys of the decided voters' first interesting events, ordered by (position, -count, key). */
    private List<ObservationKey> payloadsForConsensus(List<Integer> decidedTrue) {
        Map<ObservationKey, int[]> stats = new HashMap<>();
        for (int p : decidedTrue) {
            List<ObservationKey> content = decidedContent(p);
            if (content == null) {
                continue;
            }
            for (int i = 0; i < content.size(); i++) {
                int[] s = stats.computeIfAbsent(content.get(i), k -> new int[] {0, Integer.MAX_VALUE});
                s[0]++;
                s[1] = Math.min(s[1], i);
            }
        }
        List<ObservationKey> keys = new ArrayList<>(stats.keySet());
        keys.sort((a, b) -> {
            int[] sa = stats.get(a);
            int[] sb = stats.get(b);
            int c = Integer.compare(sa[1], sb[1]);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(sb[0], sa[0]);
            return c != 0 ? c : consistentCompare(a, b);
        });
        return keys;
    }

    /**
     * The interesting content a voter decided in contributes: that of its first interesting event that this
     * election's observers strongly see (one event, whichever order this node received the graph in), or else of its
     * only first interesting event; null if it has none, or several that no observer tells apart. Should more
     * than a third of the voters misbehave and observers see two, the lowest (index by creator, hash) is taken.
     */
    private List<ObservationKey> decidedContent(int voter) {
        MetaElection.Interesting i = meta.interestingEvents.get(voter);
        if (i == null || i.events.isEmpty()) {
            return null;
        }
        int chosen;
        if (mutations.insertionOrder()) {
            chosen = i.events.get(0);
        } else {
            TreeSet<Integer> seen = meta.observed.get(voter);
            List<Integer> firsts = seen != null ? List.copyOf(seen) : meta.firstInteresting(voter);
            if (firsts.isEmpty() || seen == null && firsts.size() > 1) {
                return null;
            }
            chosen = firsts.stream().min(Comparator.comparingInt((Integer e) -> graph.get(e).indexByCreator)
                    .thenComparing(e -> graph.get(e).hash, Arrays::compareUnsigned)).orElseThrow();
        }
        return i.contents.get(i.events.indexOf(chosen));
    }

    /** Hash bytes, then the creator's id (none first): the reference's {@code consistent_cmp}. */
    int consistentCompare(ObservationKey a, ObservationKey b) {
        int c = Arrays.compareUnsigned(a.hash(), b.hash());
        if (c != 0) {
            return c;
        }
        if (a.creator() == b.creator()) {
            return 0;
        }
        if (!a.isSingle()) {
            return -1;
        }
        if (!b.isSingle()) {
            return 1;
        }
        return peers.get(a.creator()).id.compareTo(peers.get(b.creator()).id);
    }

    private List<Block> createBlocks(List<ObservationKey> keys) {
        List<Block> blocks = new ArrayList<>();
        for (ObservationKey key : keys) {
            TreeMap<NodeId, byte[]> votes = new TreeMap<>();
            Observation payload = null;
            IntList carrying = meta.unconsensusedEvents(key);
            for (int u = 0; u < carrying.size(); u++) {
                Event e = graph.get(carrying.get(u));
                if (!meta.voters.contains(e.creator)) {
                    continue;
                }
                ObservationInfo info = observations.get(e.payloadKey);
                if (info == null) {
                    continue;
                }
                payload = info.observation;
                votes.put(peers.get(e.creator).id, e.voteSignature);
            }
            if (votes.isEmpty() || payload.isInternal()) {
                continue;
            }
            List<Block.Proof> proofs = new ArrayList<>();
            for (Map.Entry<NodeId, byte[]> v : votes.entrySet()) {
                proofs.add(new Block.Proof(v.getKey(), v.getValue()));
            }
            blocks.add(new Block(payload, key, proofs));
        }
        return blocks;
    }

    // ------------------------------------------------------------------------------------------- gossip out

    /** The events the peer does not know, judged by the last ancestors of the latest event we hold from it. */
    List<Event> eventsToGossipToPeer(int peer) {
        int last = peers.get(peer).lastEvent();
        if (last < 0) {
            throw new ParsecError(ParsecError.Kind.LOGIC, "no event from peer " + peers.get(peer).name);
        }
        Ancestry known = graph.get(last).ancestry;
        List<Integer> indices = new ArrayList<>();
        for (int q = 0; q < peers.size(); q++) {
            int l = known.last(q);
            indices.addAll(peers.get(q).eventsFrom(l >= 0 ? l + 1 : 0));
        }
        for (int q = 0; q < peers.size(); q++) {
            int l = known.last(q);
            Peer p = peers.get(q);
            if (l < 0 || !p.hasFork()) {
                continue;
            }
            for (int i = 0; i <= l; i++) {
                if (p.hasForkAt(i)) {
                    for (int e : p.eventsAt(i)) {
                        indices.add(e);
                    }
                }
            }
        }
        Collections.sort(indices);
        List<Event> out = new ArrayList<>(indices.size());
        for (int i : indices) {
            out.add(graph.get(i));
        }
        return out;
    }

    static boolean isMoreThanTwoThirds(int small, int large) {
        return 3L * small > 2L * large;
    }
}
