package dev.bftkit.parsec;

import static dev.bftkit.parsec.MetaVote.BOTH;
import static dev.bftkit.parsec.MetaVote.EMPTY;
import static dev.bftkit.parsec.MetaVote.F;
import static dev.bftkit.parsec.MetaVote.FORCED_FALSE;
import static dev.bftkit.parsec.MetaVote.FORCED_TRUE;
import static dev.bftkit.parsec.MetaVote.T;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference's meta-vote vectors ({@code src/meta_voting/meta_vote.rs} tests, N = 7) and counting rules. */
class MetaVoteTest {
    private static final int N = 7;

    private static List<List<MetaVote>> copies(int n, List<MetaVote> votes) {
        List<List<MetaVote>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(votes);
        }
        return out;
    }

    @Test
    void another_peers_decided_vote_is_adopted() {
        MetaVote decided = MetaVote.decided(0, FORCED_TRUE, T);
        MetaVote undecided = new MetaVote(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        List<List<MetaVote>> others = new ArrayList<>();
        others.add(List.of(decided));
        others.addAll(copies(N - 2, List.of(undecided)));
        assertThat(MetaVote.forObserver(true, others, N)).containsExactly(decided);
    }

    @Test
    void everyone_at_aux_false_moves_a_true_observer_to_step_one_with_estimate_false() {
        MetaVote v = new MetaVote(0, FORCED_TRUE, BOTH, BOTH, F, EMPTY);
        assertThat(MetaVote.forObserver(true, copies(N - 1, List.of(v)), N)).containsExactly(
                new MetaVote(0, FORCED_TRUE, BOTH, BOTH, T, EMPTY),
                new MetaVote(0, FORCED_FALSE, F, EMPTY, EMPTY, EMPTY));
    }

    @Test
    void a_supermajority_of_aux_false_at_step_one_decides_false() {
        MetaVote v1 = new MetaVote(0, FORCED_TRUE, BOTH, BOTH, F, EMPTY);
        MetaVote v2 = new MetaVote(0, FORCED_FALSE, F, F, F, EMPTY);
        assertThat(MetaVote.forObserver(true, copies(N - 1, List.of(v1, v2)), N)).containsExactly(
                new MetaVote(0, FORCED_TRUE, BOTH, BOTH, T, EMPTY),
                MetaVote.decided(0, FORCED_FALSE, F));
    }

    @Test
    void only_the_others_last_vote_at_the_same_round_and_step_counts() {
        MetaVote parent = new MetaVote(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        MetaVote t0 = new MetaVote(0, FORCED_TRUE, T, EMPTY, EMPTY, EMPTY);
        MetaVote t1 = new MetaVote(0, FORCED_FALSE, T, EMPTY, EMPTY, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(parent, List.of(List.of(t0), List.of(t1), List.of(t0, t1)), 4);
        assertThat(c.estT).isEqualTo(2);
        assertThat(c.estF).isZero();
        assertThat(c.auxSet()).isZero();
    }

    @Test
    void the_first_decided_vote_sets_the_decision_and_counts_in_every_set() {
        MetaVote none = new MetaVote(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(none, List.of(List.of(none), List.of(MetaVote.decided(0, 0, T)),
                List.of(MetaVote.decided(0, 0, F))), 4);
        assertThat(c.decision).isEqualTo(T);
        assertThat(new int[] {c.estT, c.estF, c.binT, c.binF, c.auxT, c.auxF}).containsExactly(1, 1, 1, 1, 1, 1);
    }

    @Test
    void entering_a_round_with_no_estimate_takes_the_round_parity_coin() {
        MetaVote flip = new MetaVote(0, MetaVote.GENUINE_FLIP, BOTH, BOTH, T, EMPTY);
        MetaVote.Counts counts = new MetaVote.Counts(4);
        counts.auxT = 2;
        counts.auxF = 2;
        MetaVote next = MetaVote.increaseStep(flip, counts, null);
        assertThat(next.round()).isEqualTo(1);
        assertThat(next.step()).isEqualTo(FORCED_TRUE);
        assertThat(next.est()).isEqualTo(EMPTY);
        MetaVote updated = MetaVote.update(next, MetaVote.Counts.of(next, List.of(), 4),
                Map.of(1, ParsecCore.tossCoin(1)).get(1));
        assertThat(updated.est()).as("round 1 is odd: coin true").isEqualTo(T);
        assertThat(ParsecCore.tossCoin(2)).isFalse();
    }

    @Test
    void aux_counts_even_when_not_in_bin_values() {
        // The reference counts every aux value (the paper counts only aux in the counter's bin values).
        MetaVote mine = new MetaVote(0, FORCED_TRUE, T, T, T, EMPTY);
        MetaVote odd = new MetaVote(0, FORCED_TRUE, F, EMPTY, F, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(mine, List.of(List.of(odd), List.of(odd)), 4);
        assertThat(c.auxF).isEqualTo(2);
    }
}
