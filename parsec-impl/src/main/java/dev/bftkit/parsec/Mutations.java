package dev.bftkit.parsec;

import java.util.ArrayList;
import java.util.List;

/**
 * Deliberate defects for mutation testing: the conformance kit must catch a PARSEC with any of these. Only tests in
 * this package can switch them on; {@link #NONE} is what every real Decider runs.
 *
 * @param insertionOrder order by insertion order, as the reference does: a voter's first interesting event is the
 *     first one this node processed, whichever branch of a fork it is on; an event's interesting content leaves
 *     out keys that any earlier interesting event of its creator found, on any branch; and a voter's meta-votes
 *     are read from the first event this node received at the voter's last index in the event's ancestry, even if
 *     that is not the ancestor. Honest nodes holding a forking voter's branches in different orders then decide
 *     different orders.
 * @param unboundedForks the admission bound on forks switched off: {@link Admission} takes every event of a creator
 *     at an index as it comes, not only the first two and those another creator carries, so one forking member can
 *     make an honest node hold as many siblings as it signs.
 */
record Mutations(boolean insertionOrder, boolean unboundedForks) {
    static final Mutations NONE = new Mutations(false, false);

    @Override
    public String toString() {
        List<String> on = new ArrayList<>();
        if (insertionOrder) {
            on.add("order-by-insertion-order");
        }
        if (unboundedForks) {
            on.add("unbounded-forks");
        }
        return on.isEmpty() ? "none" : String.join("+", on);
    }
}
