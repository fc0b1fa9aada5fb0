package dev.bftkit.parsec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One binary meta-vote about whether a voter's first interesting event is decided, at a round and step; a port of
 * the reference's {@code src/meta_voting/meta_vote*.rs}, quirks included (every aux value counts, not only those in
 * the voter's bin values).
 *
 * <p>Boolean sets are bit masks: {@link #T} = {true}, {@link #F} = {false}, {@link #BOTH}, {@link #EMPTY}. The aux
 * value and the decision are {@link #T}, {@link #F} or {@link #EMPTY} (none). A decided vote has est = bin = aux =
 * dec = its value.
 *
 * @param round the round, from 0
 * @param step {@link #FORCED_TRUE}, {@link #FORCED_FALSE} or {@link #GENUINE_FLIP}
 * @param est estimates
 * @param bin bin values
 * @param aux aux value
 * @param dec decision
 */
record MetaVote(int round, int step, int est, int bin, int aux, int dec) {
    static final int EMPTY = 0;
    static final int T = 1;
    static final int F = 2;
    static final int BOTH = 3;

    static final int FORCED_TRUE = 0;
    static final int FORCED_FALSE = 1;
    static final int GENUINE_FLIP = 2;

    static int of(boolean b) {
        return b ? T : F;
    }

    static MetaVote decided(int round, int step, int value) {
        return new MetaVote(round, step, value, value, value, value);
    }

    boolean isDecided() {
        return dec != EMPTY;
    }

    /** The votes counted with a vote: the others' last votes at its round and step, then the vote itself. */
    static final class Counts {
        int estT;
        int estF;
        int binT;
        int binF;
        int auxT;
        int auxF;
        int decision = EMPTY;
        final int total;

        Counts(int total) {
            this.total = total;
        }

        static Counts of(MetaVote vote, List<List<MetaVote>> others, int total) {
            Counts c = new Counts(total);
            for (List<MetaVote> other : others) {
                MetaVote last = null;
                for (MetaVote v : other) {
                    if (v.round == vote.round && v.step == vote.step) {
                        last = v;
                    }
                }
                if (last != null) {
                    c.add(last);
                }
            }
            c.add(vote);
            return c;
        }

        private void add(MetaVote v) {
            if (v.isDecided()) {
                if (decision == EMPTY) {
                    decision = v.dec;
                }
                if (v.dec == T) {
                    estT++;
                    binT++;
                    auxT++;
                } else {
                    estF++;
                    binF++;
                    auxF++;
                }
                return;
            }
            if ((v.est & T) != 0) {
                estT++;
            }
            if ((v.est & F) != 0) {
                estF++;
            }
            if ((v.bin & T) != 0) {
                binT++;
            }
            if ((v.bin & F) != 0) {
                binF++;
            }
            if (v.aux == T) {
                auxT++;
            } else if (v.aux == F) {
                auxF++;
            }
        }

        boolean isSupermajority(int count) {
            return 3L * count > 2L * total;
        }

        boolean isAtLeastOneThird(int count) {
            return 3L * count >= total;
        }

        int auxSet() {
            return auxT + auxF;
        }
    }

    /** The reference's {@code MetaVoteValues::update}: a new vote with the counts applied. */
    static MetaVote update(MetaVote v, Counts counts, Boolean coin) {
        if (v.isDecided()) {
            return v;
        }
        int est = v.est;
        if (est == EMPTY) {
            if (coin != null) {
                est = of(coin);
                if (coin) {
                    counts.estT++;
                } else {
                    counts.estF++;
                }
            }
        } else {
            if (counts.isAtLeastOneThird(counts.estT) && (est & T) == 0) {
                est |= T;
                counts.estT++;
            }
            if (counts.isAtLeastOneThird(counts.estF) && (est & F) == 0) {
                est |= F;
                counts.estF++;
            }
        }
        int binBefore = v.bin;
        int bin = v.bin;
        if (counts.isSupermajority(counts.estT) && (bin & T) == 0) {
            bin |= T;
            counts.binT++;
        }
        if (counts.isSupermajority(counts.estF) && (bin & F) == 0) {
            bin |= F;
            counts.binF++;
        }
        int aux = v.aux;
        if (aux == EMPTY && binBefore == EMPTY) {
            if (bin == T || bin == F) {
                aux = bin;
                if (bin == T) {
                    counts.auxT++;
                } else {
                    counts.auxF++;
                }
            } else if (bin == BOTH) {
                aux = T;
                counts.auxT++;
            }
        }
        int decision;
        switch (v.step) {
            case FORCED_TRUE:
                decision = (bin & T) != 0 && counts.isSupermajority(counts.auxT) ? T : counts.decision;
                break;
            case FORCED_FALSE:
                decision = (bin & F) != 0 && counts.isSupermajority(counts.auxF) ? F : counts.decision;
                break;
            default:
                decision = counts.decision;
                break;
        }
        if (decision != EMPTY) {
            return decided(v.round, v.step, decision);
        }
        return new MetaVote(v.round, v.step, est, bin, aux, EMPTY);
    }

    /** The reference's {@code increase_step}: estimates for the next step, bin and aux cleared. */
    static MetaVote increaseStep(MetaVote v, Counts counts, Boolean coin) {
        int est;
        switch (v.step) {
            case FORCED_TRUE:
                est = counts.isSupermajority(counts.auxF) ? F : T;
                break;
            case FORCED_FALSE:
                est = counts.isSupermajority(counts.auxT) ? T : F;
                break;
            default:
                if (counts.isSupermajority(counts.auxT)) {
                    est = T;
                } else if (counts.isSupermajority(counts.auxF)) {
                    est = F;
                } else if (coin != null) {
                    est = of(coin);
                } else {
                    est = EMPTY;
                }
                break;
        }
        int round = v.round;
        int step = v.step + 1;
        if (step > GENUINE_FLIP) {
            step = FORCED_TRUE;
            round++;
        }
        return new MetaVote(round, step, est, EMPTY, EMPTY, EMPTY);
    }

    /** The reference's {@code MetaVote::next_votes}. */
    static List<MetaVote> next(List<MetaVote> prev, List<List<MetaVote>> others, Map<Integer, Boolean> coins,
                               int total) {
        List<MetaVote> next = new ArrayList<>(prev.size() + 2);
        for (MetaVote vote : prev) {
            Counts counts = Counts.of(vote, others, total);
            MetaVote updated = update(vote, counts, coins.get(vote.round));
            next.add(updated);
            if (vote.isDecided()) {
                break;
            }
        }
        while (true) {
            MetaVote last = next.isEmpty() ? null : next.get(next.size() - 1);
            if (last == null || last.isDecided()) {
                break;
            }
            Counts counts = Counts.of(last, others, total);
            if (!counts.isSupermajority(counts.auxSet())) {
                break;
            }
            MetaVote stepped = increaseStep(last, counts, coins.get(last.round));
            Counts fresh = Counts.of(stepped, others, total);
            next.add(update(stepped, fresh, coins.get(stepped.round)));
        }
        return next;
    }

    /** The votes of an observer with no meta-voting parent: round 0, ForcedTrue, est = the initial estimate. */
    static List<MetaVote> forObserver(boolean initialEstimate, List<List<MetaVote>> others, int total) {
        MetaVote initial = new MetaVote(0, FORCED_TRUE, of(initialEstimate), EMPTY, EMPTY, EMPTY);
        return next(List.of(initial), others, Map.of(), total);
    }

    /** @return "t", "f", "b" or "-" for a set or single value, as in the reference's dumps */
    static char symbol(int set) {
        switch (set) {
            case T:
                return 't';
            case F:
                return 'f';
            case BOTH:
                return 'b';
            default:
                return '-';
        }
    }

    @Override
    public String toString() {
        return round + "/" + step + " " + symbol(est) + " " + symbol(bin) + " " + symbol(aux) + " " + symbol(dec);
    }
}
