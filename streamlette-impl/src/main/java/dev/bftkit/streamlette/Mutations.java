package dev.bftkit.streamlette;

import java.util.EnumSet;
import java.util.Set;

/**
 * Deliberate defects for mutation testing: the conformance kit must catch a Streamlette with any of these. Only
 * tests in this package can switch them on; {@link #NONE} is what every real Decider runs.
 */
final class Mutations {
    static final Mutations NONE = new Mutations(EnumSet.noneOf(Defect.class));

    /** One planted bug. */
    enum Defect {
        /** Notarize at more than 1/2 of the weight instead of more than 2/3. */
        HALF_THRESHOLD("1/2 instead of 2/3 threshold"),
        /** Accept messages without checking their signatures. */
        SKIP_SIGNATURE_CHECK("signature check skipped"),
        /** Accept proposals and solicits from anyone, not only the tick's leader (and proofs likewise). */
        SKIP_LEADER_CHECK("leader check removed"),
        /**
         * Hand out what was signed before it is durable: everything absorbed and signed during a phase is written
         * only when the phase ends (a node that flushes once per tick but answers pulls at once).
         */
        VOTE_BEFORE_PERSIST("vote handed out before it is durable"),
        /**
         * Relay another author's message only when the asker marks its author unreachable, never by age: an asker
         * that reaches the author but is not given the message by it (a Byzantine author that starves it) never
         * gets it.
         */
        NO_AGE_RELAY("another author's message relayed only when the asker marks it unreachable"),
        /** Admit every version of a leader slot, backed or not: a leader's variants grow the tree without bound. */
        UNBOUNDED_VARIANTS("every leader variant admitted"),
        /** Reload stored messages under the rules for a peer's, so a backed variant we stored is refused on reload. */
        RELOAD_AS_PEER("stored messages reloaded as if a peer sent them"),
        /**
         * Follow any leader message of a later tick at once and vote in the tick reached that way, with no honest
         * vote behind it: a leader that speaks early takes the vote and the proposal away from the tick before.
         */
        CATCH_UP_ON_ANY_LEADER("tick caught up and voted in on one leader message");

        private final String description;

        Defect(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private final Set<Defect> defects;

    private Mutations(Set<Defect> defects) {
        this.defects = Set.copyOf(defects);
    }

    /** @return a Streamlette with exactly this defect */
    static Mutations of(Defect defect) {
        return new Mutations(EnumSet.of(defect));
    }

    boolean has(Defect defect) {
        return defects.contains(defect);
    }

    @Override
    public String toString() {
        return defects.isEmpty() ? "none" : defects.iterator().next().toString();
    }
}
