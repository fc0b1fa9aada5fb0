package dev.bftkit.parsec;

import java.util.Arrays;

/**
 * Binary meta-votes, a port of the reference's {@code src/meta_voting/meta_vote*.rs} with its quirks (every aux
 * value counts, not only those in the counter's bin values). A meta-vote about whether a voter's first interesting
 * event is decided is packed in one int:
 *
 * <pre>
 * bits 10..31 round | 8..9 step | 6..7 decision | 4..5 aux | 2..3 bin values | 0..1 estimates
 * </pre>
 *
 * Boolean sets are {@link #T} = {true}, {@link #F} = {false}, {@link #BOTH}, {@link #EMPTY}; the aux value and the
 * decision are {@link #T}, {@link #F} or {@link #EMPTY} (none). A decided vote has est = bin = aux = dec. A voter's
 * list of meta-votes runs in (round, step) order, so {@code v >>> 8} orders votes by stage.
 */
final class MetaVote {
    static final int EMPTY = 0;
    static final int T = 1;
    static final int F = 2;
    static final int BOTH = 3;

    static final int FORCED_TRUE = 0;
    static final int FORCED_FALSE = 1;
    static final int GENUINE_FLIP = 2;

    /** No coin for this round. */
    static final int NO_COIN = -1;
    private static final int[][] NO_OTHERS = new int[0][];

    private MetaVote() {
    }

    static int of(int round, int step, int est, int bin, int aux, int dec) {
        return round << 10 | step << 8 | dec << 6 | aux << 4 | bin << 2 | est;
    }

    static int decided(int round, int step, int value) {
        return of(round, step, value, value, value, value);
    }

    static int round(int v) {
        return v >>> 10;
    }

    static int step(int v) {
        return (v >>> 8) & 3;
    }

    static int dec(int v) {
        return (v >>> 6) & 3;
    }

    static int aux(int v) {
        return (v >>> 4) & 3;
    }

    static int bin(int v) {
        return (v >>> 2) & 3;
    }

    static int est(int v) {
        return v & 3;
    }

    /** @return round and step, ordered */
    static int stage(int v) {
        return v >>> 8;
    }

    static boolean isDecided(int v) {
        return dec(v) != EMPTY;
    }

    static int setOf(boolean b) {
        return b ? T : F;
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

        static Counts of(int vote, int[][] others, int count, int total) {
            return new Counts(total).count(vote, others, count);
        }

        /** Resets and counts (the counts are reused along one list of votes). */
        Counts count(int vote, int[][] others, int count) {
            estT = 0;
            estF = 0;
            binT = 0;
            binF = 0;
            auxT = 0;
            auxF = 0;
            decision = EMPTY;
            Counts c = this;
            int stage = stage(vote);
            for (int o = 0; o < count; o++) {
                int[] other = others[o];
                for (int i = other.length - 1; i >= 0; i--) {
                    int s = stage(other[i]);
                    if (s == stage) {
                        c.add(other[i]);
                        break;
                    }
                    if (s < stage) {
                        break;
                    }
                }
            }
            c.add(vote);
            return c;
        }

        private void add(int v) {
            int d = dec(v);
            if (d != EMPTY) {
                if (decision == EMPTY) {
                    decision = d;
                }
                if (d == T) {
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
            int est = est(v);
            int bin = bin(v);
            int aux = aux(v);
            estT += est & T;
            estF += (est & F) >>> 1;
            binT += bin & T;
            binF += (bin & F) >>> 1;
            if (aux == T) {
                auxT++;
            } else if (aux == F) {
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

    /**
     * The reference's {@code MetaVoteValues::update}: the vote with the counts applied.
     *
     * @param coin the round's coin (0 or 1), or {@link #NO_COIN}
     */
    static int update(int v, Counts counts, int coin) {
        if (isDecided(v)) {
            return v;
        }
        int est = est(v);
        if (est == EMPTY) {
            if (coin != NO_COIN) {
                est = coin == 1 ? T : F;
                if (coin == 1) {
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
        int binBefore = bin(v);
        int bin = binBefore;
        if (counts.isSupermajority(counts.estT) && (bin & T) == 0) {
            bin |= T;
            counts.binT++;
        }
        if (counts.isSupermajority(counts.estF) && (bin & F) == 0) {
            bin |= F;
            counts.binF++;
        }
        int aux = aux(v);
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
        switch (step(v)) {
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
            return decided(round(v), step(v), decision);
        }
        return of(round(v), step(v), est, bin, aux, EMPTY);
    }

    /** The reference's {@code increase_step}: estimates for the next step, bin and aux cleared. */
    static int increaseStep(int v, Counts counts, int coin) {
        int est;
        switch (step(v)) {
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
                } else if (coin != NO_COIN) {
                    est = coin == 1 ? T : F;
                } else {
                    est = EMPTY;
                }
                break;
        }
        int round = round(v);
        int step = step(v) + 1;
        if (step > GENUINE_FLIP) {
            step = FORCED_TRUE;
            round++;
        }
        return of(round, step, est, EMPTY, EMPTY, EMPTY);
    }

    /** @return the coin of the round if coins are known for rounds {@code lo..hi}, else {@link #NO_COIN} */
    private static int coin(int round, int lo, int hi) {
        return round >= lo && round <= hi ? (tossCoin(round) ? 1 : 0) : NO_COIN;
    }

    /**
     * The reference's coin: common but predictable (the reference marks {@code toss_coin} as to be replaced). Needed
     * to replay recorded graphs; an adversary that controls the scheduler can use it to delay decisions.
     */
    static boolean tossCoin(int round) {
        return round % 2 != 0;
    }

    /**
     * The reference's {@code MetaVote::next_votes}: update the inherited votes (stopping after one that was already
     * decided), then step on while the last is undecided and a supermajority of aux values is known.
     *
     * @param others the other voters' meta-votes about the same subject; the first {@code count} are used
     * @param coinLo coins are known for rounds {@code coinLo..coinHi} ({@code coinLo > coinHi}: none)
     */
    static int[] next(int[] prev, int[][] others, int count, int coinLo, int coinHi, int total) {
        int[] next = new int[prev.length + 4];
        int n = 0;
        Counts counts = new Counts(total);
        for (int vote : prev) {
            counts.count(vote, others, count);
            next[n++] = update(vote, counts, coin(round(vote), coinLo, coinHi));
            if (isDecided(vote)) {
                break;
            }
        }
        while (n > 0 && !isDecided(next[n - 1])) {
            int last = next[n - 1];
            counts.count(last, others, count);
            if (!counts.isSupermajority(counts.auxSet())) {
                break;
            }
            int stepped = increaseStep(last, counts, coin(round(last), coinLo, coinHi));
            counts.count(stepped, others, count);
            if (n == next.length) {
                next = Arrays.copyOf(next, n * 2);
            }
            next[n++] = update(stepped, counts, coin(round(stepped), coinLo, coinHi));
        }
        return n == next.length ? next : Arrays.copyOf(next, n);
    }

    /** The reference's {@code next_temp}: no coins yet. */
    static int[] nextTemp(int[] parent, int[][] others, int count, int total) {
        return next(parent, others, count, 1, 0, total);
    }

    /** The reference's {@code next_final}: no other votes; coins for the rounds of the temporary votes. */
    static int[] nextFinal(int[] temp, int total) {
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int v : temp) {
            lo = Math.min(lo, round(v));
            hi = Math.max(hi, round(v));
        }
        return next(temp, NO_OTHERS, 0, lo, hi, total);
    }

    /** The votes of an observer with no meta-voting parent: round 0, ForcedTrue, est = the initial estimate. */
    static int[] forObserver(boolean initialEstimate, int[][] others, int count, int total) {
        return next(new int[] {of(0, FORCED_TRUE, setOf(initialEstimate), EMPTY, EMPTY, EMPTY)}, others, count,
                1, 0, total);
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

    /** @return the vote as in the reference's dumps: {@code round/step est bin aux dec} */
    static String describe(int v) {
        return round(v) + "/" + step(v) + " " + symbol(est(v)) + " " + symbol(bin(v)) + " " + symbol(aux(v)) + " "
                + symbol(dec(v));
    }
}
