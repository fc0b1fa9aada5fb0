package dev.bftkit.parsec;

import java.util.List;
import java.util.function.Function;

/**
 * False accusations of an honest member, one of each kind the malice detector knows, made from that member's real
 * events in a graph: the {@code false-accusations} adversary votes them, and the tests check how honest nodes judge
 * them. Where the graph disproves one, honest nodes flag the accuser; where it cannot (a fork's second branch, or a
 * second answer to a Requesting, may yet arrive), nobody is flagged.
 */
final class FalseAccusations {
    private FalseAccusations() {
    }

    /**
     * The accused member's events the claims are made from.
     *
     * @param initial its Initial event
     * @param genesisVote its Genesis vote
     * @param request one of its Requests
     * @param response one of its Responses
     * @param othersGenesisVote another member's Genesis vote
     */
    record Evidence(Event initial, Event genesisVote, Event request, Event response, Event othersGenesisVote) {
        /**
         * @return the evidence about peer {@code accused} in the graph, with {@code other}'s Genesis vote, or null
         *     while the graph lacks some of it
         */
        static Evidence of(ParsecCore c, int accused, int other) {
            Peer a = c.peers.get(accused);
            Peer o = c.peers.get(other);
            if (a.eventsAt(0).length == 0 || a.eventsAt(1).length == 0 || o.eventsAt(1).length == 0) {
                return null;
            }
            Event request = own(c, a, Cause.REQUEST);
            Event response = own(c, a, Cause.RESPONSE);
            return request == null || response == null ? null : new Evidence(c.graph.get(a.eventsAt(0)[0]),
                    c.graph.get(a.eventsAt(1)[0]), request, response, c.graph.get(o.eventsAt(1)[0]));
        }

        private static Event own(ParsecCore c, Peer p, Cause cause) {
            for (int i : p.allEvents()) {
                if (c.graph.get(i).cause == cause) {
                    return c.graph.get(i);
                }
            }
            return null;
        }
    }

    /**
     * One false accusation.
     *
     * @param name what it claims
     * @param malice the claim, from the evidence
     */
    record Case(String name, Function<Evidence, Malice> malice) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** @return the accusations a graph that holds the named events disproves, one per kind */
    static List<Case> disprovable() {
        return List.of(
                new Case("UnexpectedGenesis: a member's Genesis vote right after its Initial event",
                        ev -> Malice.of(Malice.Kind.UNEXPECTED_GENESIS, ev.genesisVote().hash)),
                new Case("MissingGenesis: an event that votes for Genesis",
                        ev -> Malice.of(Malice.Kind.MISSING_GENESIS, ev.genesisVote().hash)),
                new Case("IncorrectGenesis: carrying the member's own, correct Genesis vote",
                        ev -> Malice.rejected(Malice.Kind.INCORRECT_GENESIS, ev.genesisVote().wire)),
                new Case("DuplicateVote: the Initial event and the Genesis vote",
                        ev -> Malice.of(Malice.Kind.DUPLICATE_VOTE, ev.initial().hash, ev.genesisVote().hash)),
                new Case("Fork: naming another member's event",
                        ev -> Malice.of(Malice.Kind.FORK, ev.othersGenesisVote().hash)),
                new Case("InvalidAccusation: naming an event that accuses nobody",
                        ev -> Malice.of(Malice.Kind.INVALID_ACCUSATION, ev.genesisVote().hash)),
                new Case("OtherParentBySameCreator: carrying a Request whose other-parent is another's",
                        ev -> Malice.rejected(Malice.Kind.OTHER_PARENT_BY_SAME_CREATOR, ev.request().wire)),
                new Case("SelfParentByDifferentCreator: carrying an event whose self-parent is its own",
                        ev -> Malice.rejected(Malice.Kind.SELF_PARENT_BY_DIFFERENT_CREATOR, ev.request().wire)),
                new Case("InvalidRequest: carrying a Response",
                        ev -> Malice.rejected(Malice.Kind.INVALID_REQUEST, ev.response().wire)),
                new Case("InvalidResponse: carrying a Request",
                        ev -> Malice.rejected(Malice.Kind.INVALID_RESPONSE, ev.request().wire)),
                new Case("Accomplice: building on a duplicate vote that is none",
                        ev -> Malice.accomplice(ev.request().hash, Malice.of(Malice.Kind.DUPLICATE_VOTE,
                                ev.othersGenesisVote().hash, ev.genesisVote().hash))));
    }

    /** @return the accusations no graph can disprove, as the named events may yet have a sibling */
    static List<Case> open() {
        return List.of(
                new Case("Fork: naming the member's own event (its second child may yet arrive)",
                        ev -> Malice.of(Malice.Kind.FORK, ev.genesisVote().hash)),
                new Case("InvalidRequest: carrying a well-formed Request (a second answer may yet arrive)",
                        ev -> Malice.rejected(Malice.Kind.INVALID_REQUEST, ev.request().wire)),
                new Case("InvalidResponse: carrying a well-formed Response (a second answer may yet arrive)",
                        ev -> Malice.rejected(Malice.Kind.INVALID_RESPONSE, ev.response().wire)));
    }
}
