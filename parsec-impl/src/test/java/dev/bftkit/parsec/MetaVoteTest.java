package dev.bftkit.parsec;

import static dev.bftkit.parsec.MetaVote.BOTH;
import static dev.bftkit.parsec.MetaVote.EMPTY;
import static dev.bftkit.parsec.MetaVote.F;
import static dev.bftkit.parsec.MetaVote.FORCED_FALSE;
import static dev.bftkit.parsec.MetaVote.FORCED_TRUE;
import static dev.bftkit.parsec.MetaVote.T;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's meta-vote vectors ({@code src/meta_voting/meta_vote.rs} tests, N = 7) and counting rules. */
class MetaVoteTest {
    private static final int N = 7;

    private static int[][] copies(int n, int... votes) {
        int[][] out = new int[n][];
        Arrays.fill(out, votes);
        return out;
    }

    private static List<String> describe(int[] votes) {
        return Arrays.stream(votes).mapToObj(MetaVote::describe).toList();
    }

    @Test
    void votes_pack_and_unpack() {
        int v = MetaVote.of(5, MetaVote.GENUINE_FLIP, BOTH, T, F, EMPTY);
        assertThat(new int[] {MetaVote.round(v), MetaVote.step(v), MetaVote.est(v), MetaVote.bin(v), MetaVote.aux(v),
                MetaVote.dec(v)}).containsExactly(5, 2, BOTH, T, F, EMPTY);
        assertThat(MetaVote.describe(v)).isEqualTo("5/2 b t f -");
        assertThat(MetaVote.stage(MetaVote.of(6, 0, 0, 0, 0, 0))).isGreaterThan(MetaVote.stage(v));
    }

    @Test
    void another_peers_decided_vote_is_adopted() {
        int decided = MetaVote.decided(0, FORCED_TRUE, T);
        int undecided = MetaVote.of(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        int[][] others = copies(N - 1, undecided);
        others[0] = new int[] {decided};
        assertThat(MetaVote.forObserver(true, others, others.length, N)).containsExactly(decided);
    }

    @Test
    void everyone_at_aux_false_moves_a_true_observer_to_step_one_with_estimate_false() {
        int v = MetaVote.of(0, FORCED_TRUE, BOTH, BOTH, F, EMPTY);
        assertThat(describe(MetaVote.forObserver(true, copies(N - 1, v), N - 1, N)))
                .containsExactly("0/0 b b t -", "0/1 f - - -");
    }

    @Test
    void a_supermajority_of_aux_false_at_step_one_decides_false() {
        int v1 = MetaVote.of(0, FORCED_TRUE, BOTH, BOTH, F, EMPTY);
        int v2 = MetaVote.of(0, FORCED_FALSE, F, F, F, EMPTY);
        assertThat(MetaVote.forObserver(true, copies(N - 1, v1, v2), N - 1, N)).containsExactly(
                MetaVote.of(0, FORCED_TRUE, BOTH, BOTH, T, EMPTY), MetaVote.decided(0, FORCED_FALSE, F));
    }

    @Test
    void only_the_others_last_vote_at_the_same_round_and_step_counts() {
        int parent = MetaVote.of(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        int t0 = MetaVote.of(0, FORCED_TRUE, T, EMPTY, EMPTY, EMPTY);
        int t1 = MetaVote.of(0, FORCED_FALSE, T, EMPTY, EMPTY, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(parent, new int[][] {{t0}, {t1}, {t0, t1}}, 3, 4);
        assertThat(c.estT).isEqualTo(2);
        assertThat(c.estF).isZero();
        assertThat(c.auxSet()).isZero();
    }

    @Test
    void the_first_decided_vote_sets_the_decision_and_counts_in_every_set() {
        int none = MetaVote.of(0, FORCED_TRUE, EMPTY, EMPTY, EMPTY, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(none, new int[][] {{none}, {MetaVote.decided(0, 0, T)},
            {MetaVote.decided(0, 0, F)}}, 3, 4);
        assertThat(c.decision).isEqualTo(T);
        assertThat(new int[] {c.estT, c.estF, c.binT, c.binF, c.auxT, c.auxF}).containsExactly(1, 1, 1, 1, 1, 1);
    }

    @Test
    void entering_a_round_with_no_estimate_takes_the_round_parity_coin() {
        int flip = MetaVote.of(0, MetaVote.GENUINE_FLIP, BOTH, BOTH, T, EMPTY);
        MetaVote.Counts counts = new MetaVote.Counts(4);
        counts.auxT = 2;
        counts.auxF = 2;
        int next = MetaVote.increaseStep(flip, counts, MetaVote.NO_COIN);
        assertThat(MetaVote.describe(next)).isEqualTo("1/0 - - - -");
        int updated = MetaVote.update(next, MetaVote.Counts.of(next, new int[0][], 0, 4),
                MetaVote.tossCoin(1) ? 1 : 0);
        assertThat(MetaVote.est(updated)).as("round 1 is odd: coin true").isEqualTo(T);
        assertThat(MetaVote.tossCoin(2)).isFalse();
        assertThat(MetaVote.nextFinal(new int[] {next}, 4)).as("final votes take the coin of their rounds")
                .containsExactly(MetaVote.of(1, FORCED_TRUE, T, EMPTY, EMPTY, EMPTY));
    }

    @Test
    void aux_counts_even_when_not_in_bin_values() {
        // The reference counts every aux value (the paper counts only aux in the counter's bin values).
        int mine = MetaVote.of(0, FORCED_TRUE, T, T, T, EMPTY);
        int odd = MetaVote.of(0, FORCED_TRUE, F, EMPTY, F, EMPTY);
        MetaVote.Counts c = MetaVote.Counts.of(mine, new int[][] {{odd}, {odd}}, 2, 4);
        assertThat(c.auxF).isEqualTo(2);
    }
}
