package dev.bftkit.parsec;

import dev.bftkit.api.Fault;
import dev.bftkit.api.spi.Footprint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Malice detection, always on in live Deciders (the reference's {@code malice-detection} feature): detects forks,
 * duplicate votes, wrong genesis, broken sync chains, parents by the wrong creator, false accusations and
 * accomplices, records each as a {@link Fault}, and turns it into an accusation vote placed just before our next
 * sync event. A decided accusation removes the offender like a Remove.
 *
 * <p>Recorded graphs were made without this feature, so golden replay runs the core without a detector.
 */
final class MaliceDetector {
    /** An accusation waiting to be voted. */
    record Pending(int offender, Malice malice) {
        boolean same(int otherOffender, Malice otherMalice) {
            return offender == otherOffender && malice.same(otherMalice);
        }
    }

    /**
     * At most this many events we lack may hold back the judging of one accuser's accusations (more of its
     * accusations stay unjudged), so no accuser can crowd out another's. An honest accuser raises at most one
     * accusation per offender and kind, each naming at most two events.
     */
    static final int MAX_AWAITED_PER_ACCUSER = 256;
    /** What an awaited entry holds besides the hash we lack: the waiting accusation's index. */
    private static final long AWAITED_ENTRY_BYTES = Integer.BYTES;

    private final GraphState state;
    private final Consumer<Fault> faults;
    private final AccusationJudge judge;
    private final List<Pending> pending = new ArrayList<>();
    /** Requesting events with no Request answering them yet, and Requests with no Response yet. */
    private final Set<Integer> awaiting = new HashSet<>();
    /** Hash of an event we lack → the accusation events whose judging waits for it, in arrival order. */
    private final Map<ByteBuffer, Set<Integer>> awaitedBy = new HashMap<>();
    /** Peer index → how many entries of {@link #awaitedBy} its accusations hold. */
    private final Map<Integer, Integer> awaitedPerAccuser = new HashMap<>();
    private long awaited;
    private long awaitedBytes;

    /**
     * @param state the core's graph, peers and observations, read only
     * @param faults receives each fault found
     * @param unpack decodes the bytes of a rejected event that an accusation carries, or returns null
     */
    MaliceDetector(GraphState state, Consumer<Fault> faults, Function<byte[], Incoming> unpack) {
        this.state = state;
        this.faults = faults;
        this.judge = new AccusationJudge(state, unpack);
    }

    /**
     * Keeps the Requesting → Request → Response bookkeeping and judges accusations: another member's accusation
     * when it enters the graph, and again when an event its judging waits for does. Called for every inserted
     * event.
     */
    void inserted(Event e) {
        trackSyncChain(e);
        Set<Integer> waiting = awaitedBy.remove(ByteBuffer.wrap(e.hash));
        if (waiting != null) {
            for (int a : waiting) {
                awaitedPerAccuser.merge(state.graph.get(a).creator, -1, Integer::sum);
                awaited--;
                awaitedBytes -= e.hash.length + AWAITED_ENTRY_BYTES;
            }
            waiting.forEach(a -> judgeAccusation(state.graph.get(a)));
        }
        if (e.creator != PeerList.OUR && e.observation instanceof Observation.Accusation) {
            judgeAccusation(e);
        }
    }

    /**
     * Flags the creator of an accusation our graph disproves (the reference calls every accusation it did not
     * raise itself invalid, which flags honest accusers that saw another branch of a fork first); one that waits
     * for events we lack is judged again when they arrive. See {@link AccusationJudge} for each kind.
     */
    private void judgeAccusation(Event e) {
        Observation.Accusation a = (Observation.Accusation) e.observation;
        AccusationJudge.Verdict v = judge.judge(a.offender(), a.malice());
        if (v instanceof AccusationJudge.Disproven d) {
            accuse(e.creator, Malice.of(Malice.Kind.INVALID_ACCUSATION, e.hash.clone()),
                    "accused " + state.nameOf(a.offender()) + " of " + a.malice().name() + " falsely: " + d.why(),
                    List.of(wireOf(e)));
        } else if (v instanceof AccusationJudge.Open o) {
            for (byte[] h : o.awaiting()) {
                if (awaitedPerAccuser.getOrDefault(e.creator, 0) < MAX_AWAITED_PER_ACCUSER
                        && awaitedBy.computeIfAbsent(ByteBuffer.wrap(h.clone()), k -> new LinkedHashSet<>())
                        .add(e.index)) {
                    awaitedPerAccuser.merge(e.creator, 1, Integer::sum);
                    awaited++;
                    awaitedBytes += h.length + AWAITED_ENTRY_BYTES;
                }
            }
        }
        if (verdicts != null) {
            verdicts.accept(e, v);
        }
    }

    /** For tests: told each verdict on another member's accusation, or null. */
    java.util.function.BiConsumer<Event, AccusationJudge.Verdict> verdicts;

    /** @return how many entries of the awaited list the peer's accusations hold */
    int awaitedBy(int accuser) {
        return awaitedPerAccuser.getOrDefault(accuser, 0);
    }

    /** @return what the awaited list holds: its entries and their bytes (each a hash and an event index) */
    Footprint awaited() {
        return new Footprint(awaited, awaitedBytes);
    }

    /**
     * @return the most the awaited list can hold: {@value #MAX_AWAITED_PER_ACCUSER} entries for each of the n − 1
     *     other members, each a hash of {@code hashLength} bytes and an event index
     */
    static Footprint awaitedBound(int members, int hashLength) {
        long entries = (long) MAX_AWAITED_PER_ACCUSER * (members - 1);
        return new Footprint(entries, entries * (hashLength + AWAITED_ENTRY_BYTES));
    }

    private void trackSyncChain(Event e) {
        if (e.cause == Cause.REQUESTING) {
            awaiting.add(e.index);
        } else if (e.cause == Cause.REQUEST) {
            awaiting.add(e.index);
            awaiting.remove(e.otherParent);
        } else if (e.cause == Cause.RESPONSE) {
            Event request = selfSyncAncestor(state.graph.get(e.otherParent));
            if (request != null) {
                awaiting.remove(request.index);
            }
        }
    }

    private Event selfSyncAncestor(Event e) {
        return e.isSync() ? e : state.graph.selfSyncParent(e);
    }

    /** The reference's {@code Graph::is_valid_sync_event}; true for events that are not Request or Response. */
    boolean isValidSyncEvent(Event event) {
        if (event.cause == Cause.REQUEST) {
            if (event.otherParent < 0) {
                return false;
            }
            Event requesting = state.graph.get(event.otherParent);
            return requesting.cause == Cause.REQUESTING && requesting.recipient == event.creator
                    && awaiting.contains(requesting.index);
        }
        if (event.cause == Cause.RESPONSE) {
            if (event.otherParent < 0) {
                return false;
            }
            Event request = selfSyncAncestor(state.graph.get(event.otherParent));
            if (request == null || request.otherParent < 0) {
                return false;
            }
            Event requesting = state.graph.get(request.otherParent);
            return request.cause == Cause.REQUEST && requesting.creator == event.creator
                    && awaiting.contains(request.index);
        }
        return true;
    }

    /** The reference's {@code detect_malice}, run on another peer's event before it is inserted. */
    void detectMalice(Event event) {
        detectIncorrectGenesis(event);
        detectOtherParentBySameCreator(event);
        detectSelfParentByDifferentCreator(event);
        detectInvalidSyncEvent(event);
        detectUnexpectedGenesis(event);
        detectMissingGenesis(event);
        detectDuplicateVote(event);
        detectFork(event);
    }

    private static byte[] wireOf(Event e) {
        return e.wire == null ? e.hash.clone() : e.wire.clone();
    }

    private void detectIncorrectGenesis(Event event) {
        if (!(state.payload(event) instanceof Observation.Genesis g) || g.group().equals(state.genesisGroup())) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.INCORRECT_GENESIS, wireOf(event)), "its Genesis differs from ours");
    }

    private void detectOtherParentBySameCreator(Event event) {
        if (event.otherParent < 0 || state.graph.get(event.otherParent).creator != event.creator) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.OTHER_PARENT_BY_SAME_CREATOR, wireOf(event)), "its other-parent has the same creator");
    }

    private void detectSelfParentByDifferentCreator(Event event) {
        if (event.selfParent < 0 || state.graph.get(event.selfParent).creator == event.creator) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.SELF_PARENT_BY_DIFFERENT_CREATOR, wireOf(event)),
                "its self-parent has another creator");
    }

    private void detectInvalidSyncEvent(Event event) {
        if (isValidSyncEvent(event)) {
            return;
        }
        Malice m = Malice.rejected(event.cause == Cause.REQUEST ? Malice.Kind.INVALID_REQUEST
                : Malice.Kind.INVALID_RESPONSE, wireOf(event));
        reject(event, m, "it breaks the Requesting -> Request -> Response pattern");
    }

    private void reject(Event event, Malice malice, String why) {
        accuse(event.creator, malice, why, List.of(wireOf(event)));
        throw new ParsecError(ParsecError.Kind.INVALID_EVENT,
                "event by " + state.peers.get(event.creator).name + " rejected: " + why);
    }

    private void detectUnexpectedGenesis(Event event) {
        if (!(state.payload(event) instanceof Observation.Genesis g)) {
            return;
        }
        boolean notMember = !g.group().contains(state.peers.get(event.creator).id);
        boolean notAfterInitial = event.selfParent < 0
                || state.graph.get(event.selfParent).cause != Cause.INITIAL;
        if (notMember || notAfterInitial) {
            accuse(event.creator, Malice.of(Malice.Kind.UNEXPECTED_GENESIS, event.hash.clone()),
                    notMember ? "Genesis by a non-member" : "Genesis not right after the Initial event",
                    List.of(wireOf(event)));
        }
    }

    private void detectMissingGenesis(Event event) {
        if (event.indexByCreator != 1 || state.payload(event) instanceof Observation.Genesis) {
            return;
        }
        if (state.genesisGroup().contains(state.peers.get(event.creator).id)) {
            accuse(event.creator, Malice.of(Malice.Kind.MISSING_GENESIS, event.hash.clone()),
                    "a genesis member's second event does not vote for Genesis", List.of(wireOf(event)));
        }
    }

    private void detectDuplicateVote(Event event) {
        if (event.payloadKey == null) {
            return;
        }
        List<Event> duplicates = new ArrayList<>();
        List<Integer> theirs = state.peers.get(event.creator).allEvents();
        for (int i = theirs.size() - 1; i >= 0 && duplicates.size() < 2; i--) {
            Event other = state.graph.get(theirs.get(i));
            if (event.payloadKey.equals(other.payloadKey)) {
                duplicates.add(other);
            }
        }
        if (duplicates.size() == 1) {
            Event first = duplicates.get(0);
            accuse(event.creator, Malice.of(Malice.Kind.DUPLICATE_VOTE, first.hash.clone(), event.hash.clone()),
                    "voted twice for one observation", List.of(wireOf(first), wireOf(event)));
        }
    }

    private void detectFork(Event event) {
        if (event.selfParent < 0) {
            return;
        }
        int sameParent = 0;
        Event sibling = null;
        for (int i : state.peers.get(event.creator).eventsAt(event.indexByCreator)) {
            Event other = state.graph.get(i);
            if (other.selfParent == event.selfParent) {
                sameParent++;
                sibling = other;
            }
        }
        if (sameParent == 1) {
            accuse(event.creator, Malice.of(Malice.Kind.FORK, state.graph.get(event.selfParent).hash.clone()),
                    "two events with the same self-parent", List.of(wireOf(sibling), wireOf(event)));
        }
    }

    /**
     * Whether a malice names events in the graph rather than carrying a rejected event's bytes; only such malice
     * can be built on, so only it makes accomplices.
     */
    static boolean provable(Malice malice) {
        return malice.packedEvent().length == 0;
    }

    /** After an event was inserted: does its (sync) creator build on malice we accused without accusing it? */
    void detectAccomplice(int eventIndex) {
        Event event = state.graph.get(eventIndex);
        if (event.cause != Cause.REQUEST && event.cause != Cause.RESPONSE) {
            return;
        }
        int creator = event.creator;
        List<Pending> theirs = accusationsBy(creator);
        List<Pending> candidates = new ArrayList<>(pending);
        candidates.addAll(accusationsBy(PeerList.OUR));
        List<Pending> found = new ArrayList<>();
        for (Pending c : candidates) {
            if (c.offender() == creator || !provable(c.malice()) || c.malice().events().isEmpty()
                    || !judge.buildsOn(c.malice(), event)) {
                continue;
            }
            boolean alreadyTheirs = false;
            for (Pending t : theirs) {
                // Accusers raise one accusation per offender and kind, and an honest creator may have seen
                // another fork point of the same offender first: any accusation of that offender counts.
                if (t.offender() == c.offender()) {
                    alreadyTheirs = true;
                    break;
                }
            }
            boolean alreadyAccused = false;
            for (Pending p : pending) {
                if (p.offender() == creator && p.malice().kind() == Malice.Kind.ACCOMPLICE
                        && p.malice().inner().same(c.malice())) {
                    alreadyAccused = true;
                    break;
                }
            }
            if (!alreadyTheirs && !alreadyAccused) {
                found.add(c);
            }
        }
        for (Pending c : found) {
            accuse(creator, Malice.accomplice(event.hash.clone(), c.malice()),
                    "built on malice by " + state.peers.get(c.offender()).name + " without accusing it",
                    List.of(wireOf(event)));
        }
    }

    private List<Pending> accusationsBy(int peer) {
        List<Pending> out = new ArrayList<>();
        for (int i : state.peers.get(peer).allEvents()) {
            if (state.payload(state.graph.get(i)) instanceof Observation.Accusation a) {
                int offender = state.peers.indexOf(a.offender());
                if (offender >= 0) {
                    out.add(new Pending(offender, a.malice()));
                }
            }
        }
        return out;
    }

    /** After a restore: drop re-detected accusations that our stored events already voted for. */
    void forgetVotedAccusations() {
        List<Pending> ours = accusationsBy(PeerList.OUR);
        pending.removeIf(p -> ours.stream().anyMatch(o -> o.same(p.offender(), p.malice())));
    }

    /** We vote for accusations only while we hold DKG (the reference's premature-gossip check). */
    void detectPrematureGossip() {
        if (!PeerState.contains(state.peers.ourState(), PeerState.DKG)) {
            throw new ParsecError(ParsecError.Kind.PREMATURE_GOSSIP, "gossip before we are a member");
        }
    }

    /** Hands over the accusations found since the last call; the core votes them just before its next sync event. */
    List<Pending> takeAccusations() {
        List<Pending> now = new ArrayList<>(pending);
        pending.clear();
        return now;
    }

    /**
     * Records and queues an accusation, at most one per offender and kind (one decided accusation removes the
     * offender; more would only let two misbehaving peers accuse each other without end).
     */
    private void accuse(int offender, Malice malice, String why, List<byte[]> evidence) {
        if (malice.depth() > Malice.MAX_DEPTH) {
            return;
        }
        for (Pending p : pending) {
            if (p.offender() == offender && p.malice().kind() == malice.kind()) {
                return;
            }
        }
        for (Pending p : accusationsBy(PeerList.OUR)) {
            if (p.offender() == offender && p.malice().kind() == malice.kind()) {
                return;
            }
        }
        pending.add(new Pending(offender, malice));
        faults.accept(new Fault(state.peers.get(offender).id, faultKind(malice), malice.name() + ": " + why,
                evidence));
    }

    static Fault.Kind faultKind(Malice malice) {
        switch (malice.kind()) {
            case FORK:
                return Fault.Kind.EQUIVOCATION;
            case DUPLICATE_VOTE:
                return Fault.Kind.DUPLICATE_VOTE;
            case ACCOMPLICE:
                return Fault.Kind.ACCOMPLICE;
            case INVALID_ACCUSATION:
            case UNEXPECTED_GENESIS:
            case MISSING_GENESIS:
            case INCORRECT_GENESIS:
                return Fault.Kind.INVALID_VOTE;
            default:
                return Fault.Kind.MALFORMED;
        }
    }
}
