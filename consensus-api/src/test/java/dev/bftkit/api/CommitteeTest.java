package dev.bftkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class CommitteeTest {

    static NodeId id(int i) {
        return NodeId.of(new byte[] {(byte) (i >> 8), (byte) i});
    }

    static Committee equal(int n) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(id(i));
        }
        return Committee.equalWeights(ids);
    }

    @ParameterizedTest(name = "T={0} needs {1}")
    @CsvSource({"1,1", "2,2", "3,3", "4,3", "5,4", "6,5", "7,5", "10,7", "16,11", "31,21", "64,43", "100,67"})
    void supermajorityIsMoreThanTwoThirds(int n, long need) {
        Committee c = equal(n);
        assertThat(c.supermajorityWeight()).isEqualTo(need);
        assertThat(c.isSupermajority(need)).isTrue();
        assertThat(c.isSupermajority(need - 1)).isFalse();
    }

    @ParameterizedTest(name = "n={0} tolerates f={1}")
    @CsvSource({"1,0", "3,0", "4,1", "6,1", "7,2", "10,3", "16,5", "31,10", "64,21"})
    void maxFaultyWeightIsFloorOfNMinusOneOverThree(int n, long f) {
        assertThat(equal(n).maxFaultyWeight()).isEqualTo(f);
    }

    @Test
    void oneThirdThresholds() {
        Committee c = equal(9);
        assertThat(c.isAtLeastOneThird(3)).isTrue();
        assertThat(c.isAtLeastOneThird(2)).isFalse();
        assertThat(c.exceedsOneThird(3)).isFalse();
        assertThat(c.exceedsOneThird(4)).isTrue();
        Committee ten = equal(10);
        assertThat(ten.isAtLeastOneThird(4)).isTrue();
        assertThat(ten.isAtLeastOneThird(3)).isFalse();
        assertThat(ten.exceedsOneThird(4)).isTrue();
    }

    static Stream<Long> totals() {
        SplittableRandom r = new SplittableRandom(20261122);
        return Stream.concat(
                LongStream.of(1, 2, 3, 4, 5, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - 2,
                        Long.MAX_VALUE / 3, Long.MAX_VALUE / 3 * 2 + 1, 1L << 62).boxed(),
                r.longs(200, 1, Long.MAX_VALUE).boxed());
    }

    /** Every threshold agrees with exact arithmetic, from tiny totals to totals near Long.MAX_VALUE. */
    @ParameterizedTest
    @MethodSource("totals")
    void thresholdsMatchExactArithmetic(long total) {
        Map<NodeId, Long> w = new LinkedHashMap<>();
        w.put(id(1), total);
        w.put(id(2), 0L);
        Committee c = Committee.of(w);
        assertThat(c.totalWeight()).isEqualTo(total);
        BigInteger t = BigInteger.valueOf(total);
        SplittableRandom r = new SplittableRandom(total);
        long ceil3 = t.add(BigInteger.TWO).divide(BigInteger.valueOf(3)).longValueExact();
        long floor2of3 = t.multiply(BigInteger.TWO).divide(BigInteger.valueOf(3)).longValueExact();
        List<Long> probes = new ArrayList<>(List.of(0L, total, total - 1, ceil3, ceil3 - 1, floor2of3, floor2of3 + 1,
                total / 3, total / 3 + 1));
        for (int i = 0; i < 20; i++) {
            probes.add(r.nextLong(0, total) + 1);
        }
        for (long wgt : probes) {
            if (wgt < 0 || wgt > total) {
                continue;
            }
            BigInteger w3 = BigInteger.valueOf(wgt).multiply(BigInteger.valueOf(3));
            assertThat(c.isSupermajority(wgt)).as("3*%d > 2*%d", wgt, total)
                    .isEqualTo(w3.compareTo(t.multiply(BigInteger.TWO)) > 0);
            assertThat(c.isAtLeastOneThird(wgt)).as("3*%d >= %d", wgt, total).isEqualTo(w3.compareTo(t) >= 0);
            assertThat(c.exceedsOneThird(wgt)).as("3*%d > %d", wgt, total).isEqualTo(w3.compareTo(t) > 0);
        }
        long f = c.maxFaultyWeight();
        assertThat(BigInteger.valueOf(f).multiply(BigInteger.valueOf(3))).isLessThan(t);
        assertThat(BigInteger.valueOf(f + 1).multiply(BigInteger.valueOf(3))).isGreaterThanOrEqualTo(t);
    }

    @Test
    void totalThatOverflowsIsRejected() {
        Map<NodeId, Long> w = Map.of(id(1), Long.MAX_VALUE, id(2), 1L);
        assertThatThrownBy(() -> Committee.of(w)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void zeroWeightMembersAreMembersWithoutVotingPower() {
        Committee c = Committee.of(Map.of(id(1), 1L, id(2), 1L, id(3), 1L, id(4), 0L));
        assertThat(c.size()).isEqualTo(4);
        assertThat(c.contains(id(4))).isTrue();
        assertThat(c.weight(id(4))).isZero();
        assertThat(c.voters()).containsExactly(id(1), id(2), id(3));
        assertThat(c.isSupermajority(c.weightOf(List.of(id(1), id(2), id(4))))).isFalse();
        assertThat(c.isSupermajority(c.weightOf(List.of(id(1), id(2), id(3))))).isTrue();
    }

    @Test
    void weightOfCountsEachMemberOnceAndIgnoresStrangers() {
        Committee c = equal(4);
        assertThat(c.weightOf(List.of(id(0), id(0), id(1), id(99)))).isEqualTo(2);
    }

    @Test
    void badCommitteesAreRejected() {
        assertThatThrownBy(() -> Committee.of(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Committee.of(Map.of(id(1), 0L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive total");
        assertThatThrownBy(() -> Committee.of(Map.of(id(1), -1L, id(2), 5L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> Committee.equalWeights(List.of(id(1), id(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> equal(3).weight(id(7))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void membersSortAsUnsignedBytes() {
        NodeId low = NodeId.of(new byte[] {0x01});
        NodeId high = NodeId.of(new byte[] {(byte) 0x80});
        Committee c = Committee.equalWeights(List.of(high, low));
        assertThat(c.members()).containsExactly(low, high);
        assertThat(c.indexOf(high)).isEqualTo(1);
        assertThat(c.indexOf(id(500))).isEqualTo(-1);
    }
}
