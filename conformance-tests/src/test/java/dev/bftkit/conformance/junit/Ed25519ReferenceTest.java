package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.conformance.junit.Ed25519Reference.KeyPair;
import dev.bftkit.conformance.junit.Ed25519Reference.Point;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kit's reference Ed25519, which crafts the strict rules' inputs, is itself right. */
class Ed25519ReferenceTest {
    @Test
    void signsTheRfc8032Vectors() {
        for (Rfc8032Vectors.Vector v : Rfc8032Vectors.ALL) {
            KeyPair pair = Ed25519Reference.keyPair(v.secretKey());
            assertThat(pair.publicKey()).as(v.name()).isEqualTo(v.publicKey());
            assertThat(pair.sign(v.message())).as(v.name()).isEqualTo(v.signature());
        }
    }

    @Test
    void torsionIsTheEightPointsOfOrderDividingEight() {
        List<Point> torsion = Ed25519Reference.torsion();
        assertThat(torsion).doesNotHaveDuplicates().hasSize(8);
        assertThat(torsion.stream().map(Point::smallOrder).sorted().toList()).containsExactly(1, 2, 4, 4, 8, 8, 8, 8);
        assertThat(Ed25519Reference.BASE.smallOrder()).isZero();
        assertThat(Ed25519Reference.BASE.times(Ed25519Reference.L)).isEqualTo(Ed25519Reference.IDENTITY);
    }

    @Test
    void smallOrderEncodingsAreDistinctAndDecodeToSmallOrderPoints() {
        Set<String> distinct = new HashSet<>();
        for (byte[] encoding : Ed25519Reference.smallOrderEncodings()) {
            distinct.add(Bytes.hex(encoding));
            Point p = Ed25519Reference.decode(encoding);
            assertThat(p).as(Bytes.hex(encoding)).isNotNull();
            assertThat(p.smallOrder()).as(Bytes.hex(encoding)).isPositive();
        }
        assertThat(distinct).hasSize(14)
                .contains("0100000000000000000000000000000000000000000000000000000000000000",
                        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
    }

    @Test
    void malformedEncodingsAreWhatTheySay() {
        for (byte[] encoding : Ed25519Reference.offCurveEncodings(16)) {
            assertThat(Ed25519Reference.decode(encoding)).as(Bytes.hex(encoding)).isNull();
        }
        for (byte[] encoding : Ed25519Reference.nonCanonicalEncodings()) {
            Point p = Ed25519Reference.decode(encoding);
            assertThat(p).isNotNull();
            assertThat(p.smallOrder()).isZero();
            assertThat(p.encode()).isNotEqualTo(encoding);
        }
    }
}
