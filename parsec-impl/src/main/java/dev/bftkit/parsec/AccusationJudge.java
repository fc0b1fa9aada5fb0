package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Judges another member's accusation on what our graph proves. A verdict rests only on the content of the events
 * the accusation names or carries (and their ancestors): any node that holds those events reaches the same verdict,
 * so an honest accuser, whose accusation is true in its own graph, is never found false, whatever else either node
 * holds or lacks.
 *
 * <p>Each kind, and when it is settled:
 * <ul>
 *   <li>Named events, judged once every named event is in our graph (until then the verdict waits for them): a
 *       named event must be the offender's. {@code DuplicateVote}: the two events must be two votes for one
 *       observation. {@code UnexpectedGenesis}: a Genesis vote by a non-member or not right after its creator's
 *       Initial event. {@code MissingGenesis}: a genesis member's second event that votes for no Genesis.
 *       {@code Fork}: never disproved once the named event is the offender's, as its second child may yet reach
 *       us. {@code InvalidAccusation}: the named event must be an accusation, and is disproved when that accusation
 *       is proven, proven when it is disproved. {@code Accomplice}: the named event must be a Request or Response
 *       that builds on every event the inner malice names (on both children of a fork point), whose creator had
 *       not accused the inner offender before it, and the inner malice must not be disproved; it is never proven,
 *       since an honest creator may accuse the inner offender only later.</li>
 *   <li>Rejected events, which the accusation carries: the bytes must decode to an event by the offender that its
 *       creator signed. {@code IncorrectGenesis} is judged on those bytes alone.
 *       {@code OtherParentBySameCreator} and {@code SelfParentByDifferentCreator}, once that parent is in our
 *       graph. {@code InvalidRequest} and {@code InvalidResponse}: an event of another cause, or one whose parents
 *       break the Requesting → Request → Response pattern, settles them; a well-formed answer is never disproved,
 *       since a second answer to the same Requesting (or Request) may exist unseen.</li>
 * </ul>
 */
final class AccusationJudge {
    /** What our graph says of an accusation. */
    sealed interface Verdict permits Proven, Disproven, Open {
    }

    /** The accused did what the accusation says. */
    record Proven() implements Verdict {
    }

    /**
     * The accusation is false.
     *
     * @param why what our graph shows instead
     */
    record Disproven(String why) implements Verdict {
    }

    /**
     * Not settled by our graph.
     *
     * @param awaiting hashes of the named events we lack, whose arrival may settle it; empty if no event can
     */
    record Open(List<byte[]> awaiting) implements Verdict {
    }

    private static final Open NEVER = new Open(List.of());
    /** Accusations of accusations nest through events; deeper chains are left open. */
    private static final int MAX_DEPTH = 2 * Malice.MAX_DEPTH;

    private final GraphState state;
    private final Function<byte[], Incoming> unpack;

    /**
     * @param state the core's graph and peers, read only
     * @param unpack decodes a rejected event's bytes, or returns null if they are no event
     */
    AccusationJudge(GraphState state, Function<byte[], Incoming> unpack) {
        this.state = state;
        this.unpack = unpack;
    }

    /** @return the verdict on an accusation of {@code offender} for {@code malice} */
    Verdict judge(NodeId offender, Malice malice) {
        return judge(offender, malice, 0);
    }

    private Verdict judge(NodeId offender, Malice malice, int depth) {
        int o = state.peers.indexOf(offender);
        if (o < 0) {
            return new Disproven("it accuses a non-member");
        }
        if (depth > MAX_DEPTH) {
            return NEVER;
        }
        if (malice.kind().rejectsEvent) {
            return judgeRejected(o, malice);
        }
        int expected = malice.kind() == Malice.Kind.DUPLICATE_VOTE ? 2 : 1;
        if (malice.events().size() != expected || malice.packedEvent().length != 0
                || (malice.inner() == null) == (malice.kind() == Malice.Kind.ACCOMPLICE)) {
            return new Disproven("it is malformed for a " + malice.name());
        }
        List<byte[]> missing = missing(malice.events());
        if (!missing.isEmpty()) {
            return new Open(missing);
        }
        List<Event> named = named(malice);
        for (Event e : named) {
            if (e.creator != o) {
                return new Disproven("it names an event by another creator");
            }
        }
        Event e = named.get(0);
        return switch (malice.kind()) {
            case DUPLICATE_VOTE -> e.index != named.get(1).index && e.payloadKey != null
                    && e.payloadKey.equals(named.get(1).payloadKey) ? new Proven()
                    : new Disproven("the events it names are not two votes for one observation");
            case FORK -> children(e) >= 2 ? new Proven() : NEVER;
            case UNEXPECTED_GENESIS -> unexpectedGenesis(e);
            case MISSING_GENESIS -> e.indexByCreator == 1 && !(e.observation instanceof Observation.Genesis)
                    && state.genesisGroup().contains(offender) ? new Proven()
                    : new Disproven("the event it names is no genesis member's second event without Genesis");
            case INVALID_ACCUSATION -> invalidAccusation(e, depth);
            default -> accomplice(e, malice.inner(), depth);
        };
    }

    private List<byte[]> missing(List<byte[]> hashes) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] h : hashes) {
            if (!state.graph.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** @return the events the malice names that are in our graph */
    List<Event> named(Malice malice) {
        List<Event> out = new ArrayList<>();
        for (byte[] h : malice.events()) {
            int i = state.graph.indexOf(h);
            if (i >= 0) {
                out.add(state.graph.get(i));
            }
        }
        return out;
    }

    /** @return how many events of its creator in our graph have this event as self-parent */
    private int children(Event parent) {
        int n = 0;
        for (int child : state.peers.get(parent.creator).eventsAt(parent.indexByCreator + 1)) {
            if (state.graph.get(child).selfParent == parent.index) {
                n++;
            }
        }
        return n;
    }

    private Verdict unexpectedGenesis(Event e) {
        if (!(e.observation instanceof Observation.Genesis g)) {
            return new Disproven("the event it names votes for no Genesis");
        }
        boolean notMember = !g.group().contains(state.peers.get(e.creator).id);
        boolean notAfterInitial = e.selfParent < 0 || state.graph.get(e.selfParent).cause != Cause.INITIAL;
        return notMember || notAfterInitial ? new Proven()
                : new Disproven("the Genesis vote it names is a member's, right after its Initial event");
    }

    private Verdict invalidAccusation(Event e, int depth) {
        if (!(e.observation instanceof Observation.Accusation a)) {
            return new Disproven("the event it names accuses nobody");
        }
        Verdict inner = judge(a.offender(), a.malice(), depth + 1);
        if (inner instanceof Disproven) {
            return new Proven();
        }
        return inner instanceof Proven ? new Disproven("the accusation it names holds") : inner;
    }

    private Verdict accomplice(Event e, Malice inner, int depth) {
        if (e.cause != Cause.REQUEST && e.cause != Cause.RESPONSE) {
            return new Disproven("the event it names is not a Request or Response");
        }
        if (inner.kind().rejectsEvent || inner.events().isEmpty()) {
            return new Disproven("the malice it builds on names no event in the graph");
        }
        List<byte[]> missing = missing(inner.events());
        if (!missing.isEmpty()) {
            return new Open(missing);
        }
        int innerOffender = named(inner).get(0).creator;
        if (innerOffender == e.creator) {
            return new Disproven("it makes the offender its own accomplice");
        }
        if (!buildsOn(inner, e)) {
            return new Disproven("the event it names does not build on that malice");
        }
        if (accusedBefore(e, innerOffender)) {
            return new Disproven("the creator had accused that offender before the event it names");
        }
        Verdict v = judge(state.peers.get(innerOffender).id, inner, depth + 1);
        return v instanceof Disproven ? new Disproven("the malice it builds on is none") : v instanceof Open ? v : NEVER;
    }

    /**
     * Whether the event descends from every event the malice names and, for a fork, from two children of the fork
     * point: only then has its creator built on that malice.
     */
    boolean buildsOn(Malice malice, Event event) {
        List<Event> named = named(malice);
        if (named.size() != malice.events().size()) {
            return false;
        }
        for (Event accused : named) {
            if (!event.isDescendantOf(accused)) {
                return false;
            }
        }
        if (malice.kind() != Malice.Kind.FORK) {
            return true;
        }
        Event parent = named.get(0);
        int branches = 0;
        for (int child : state.peers.get(parent.creator).eventsAt(parent.indexByCreator + 1)) {
            Event c = state.graph.get(child);
            if (c.selfParent == parent.index && event.isDescendantOf(c)) {
                branches++;
            }
        }
        return branches >= 2;
    }

    /** Whether a self-ancestor of the event (or the event) accuses the offender. */
    private boolean accusedBefore(Event event, int offender) {
        NodeId id = state.peers.get(offender).id;
        for (int i = event.index; i >= 0; i = state.graph.get(i).selfParent) {
            if (state.graph.get(i).observation instanceof Observation.Accusation a && a.offender().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private Verdict judgeRejected(int offender, Malice malice) {
        if (!malice.events().isEmpty() || malice.inner() != null || malice.packedEvent().length == 0) {
            return new Disproven("it is malformed for a " + malice.name());
        }
        Incoming in = unpack.apply(malice.packedEvent());
        if (in == null) {
            return new Disproven("the bytes it carries are no event");
        }
        if (!in.creator().equals(state.peers.get(offender).id)) {
            return new Disproven("the event it carries is another creator's");
        }
        if (!state.verifies(in)) {
            return new Disproven("the event it carries is not signed by its creator");
        }
        return switch (malice.kind()) {
            case INCORRECT_GENESIS -> in.observation() instanceof Observation.Genesis g
                    && !g.group().equals(state.genesisGroup()) ? new Proven()
                    : new Disproven("the event it carries votes for no other Genesis");
            case OTHER_PARENT_BY_SAME_CREATOR -> parentBy(in.otherParent(), offender, true);
            case SELF_PARENT_BY_DIFFERENT_CREATOR -> parentBy(in.selfParent(), offender, false);
            case INVALID_REQUEST -> invalidAnswer(in, Cause.REQUEST, e -> answersRequesting(e, offender));
            default -> invalidAnswer(in, Cause.RESPONSE, e -> answersRequest(e, offender));
        };
    }

    /** Proven when the parent is (sameCreator) or is not (else) the offender's. */
    private Verdict parentBy(byte[] parent, int offender, boolean sameCreator) {
        if (parent == null) {
            return new Disproven("the event it carries has no such parent");
        }
        int i = state.graph.indexOf(parent);
        if (i < 0) {
            return new Open(List.of(parent));
        }
        return (state.graph.get(i).creator == offender) == sameCreator ? new Proven()
                : new Disproven("the parent of the event it carries has the right creator");
    }

    /**
     * InvalidRequest and InvalidResponse: the carried event must have that cause, and is a well-formed answer (which
     * only a second answer, perhaps unseen, would make invalid) when {@code answers} holds for its other-parent.
     */
    private Verdict invalidAnswer(Incoming in, Cause cause, Predicate<Event> answers) {
        if (in.cause() != cause) {
            return new Disproven("the event it carries is no " + cause);
        }
        if (in.otherParent() == null) {
            return new Proven();
        }
        int i = state.graph.indexOf(in.otherParent());
        if (i < 0) {
            return new Open(List.of(in.otherParent()));
        }
        return answers.test(state.graph.get(i)) ? NEVER : new Proven();
    }

    /** Whether a Request with this other-parent answers a Requesting addressed to the offender. */
    private static boolean answersRequesting(Event otherParent, int offender) {
        return otherParent.cause == Cause.REQUESTING && otherParent.recipient == offender;
    }

    /** Whether a Response with this other-parent answers a Request to the offender's Requesting. */
    private boolean answersRequest(Event otherParent, int offender) {
        Event request = otherParent.isSync() ? otherParent : state.graph.selfSyncParent(otherParent);
        return request != null && request.cause == Cause.REQUEST && request.otherParent >= 0
                && state.graph.get(request.otherParent).creator == offender;
    }
}
