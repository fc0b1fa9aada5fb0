package dev.bftkit.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodecTest {

    /** A sample message: every field type once. */
    record Sample(int kind, int a, int b, int c, long d, boolean e, byte[] f, byte[] g) {
        byte[] encode() {
            return Encoder.message(1, kind).u8(a).u16(b).i32(c).i64(d).bool(e).bytes(f).raw(g).toByteArray();
        }

        static Sample decode(byte[] bytes) {
            Decoder in = Decoder.message(bytes, 1);
            if (in.kind() > 3) {
                throw in.unknownKind("sample");
            }
            Sample s = new Sample(in.kind(), in.u8(), in.u16(), in.i32(), in.i64(), in.bool(), in.bytes(64),
                    in.raw(8));
            in.finish();
            return s;
        }

        static Sample random(SplittableRandom r) {
            byte[] f = new byte[r.nextInt(65)];
            byte[] g = new byte[8];
            for (int i = 0; i < f.length; i++) {
                f[i] = (byte) r.nextInt();
            }
            for (int i = 0; i < 8; i++) {
                g[i] = (byte) r.nextInt();
            }
            return new Sample(r.nextInt(4), r.nextInt(256), r.nextInt(65536), r.nextInt(), r.nextLong(),
                    r.nextBoolean(), f, g);
        }

        boolean same(Sample o) {
            return kind == o.kind && a == o.a && b == o.b && c == o.c && d == o.d && e == o.e
                    && Arrays.equals(f, o.f) && Arrays.equals(g, o.g);
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 50);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void roundTripsAndHasOneEncoding(long seed) {
        Sample s = Sample.random(new SplittableRandom(seed));
        byte[] bytes = s.encode();
        Sample back = Sample.decode(bytes);
        assertThat(back.same(s)).as("seed %d", seed).isTrue();
        assertThat(back.encode()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyTruncationIsRejectedAsMalformed(long seed) {
        byte[] bytes = Sample.random(new SplittableRandom(seed)).encode();
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] part = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> Sample.decode(part)).as("cut at %d", cut)
                    .isInstanceOfSatisfying(InvalidMessageException.class,
                            e -> assertThat(e.reason()).isIn(Reason.MALFORMED, Reason.TOO_LARGE));
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] ok = Sample.random(new SplittableRandom(1)).encode();
        byte[] longer = Arrays.copyOf(ok, ok.length + 1);
        assertThatThrownBy(() -> Sample.decode(longer)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES));
    }

    @Test
    void overLongLengthIsRejectedBeforeAllocating() {
        byte[] bytes = new Encoder().i32(Integer.MAX_VALUE).toByteArray();
        assertThatThrownBy(() -> new Decoder(bytes).bytes(64)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
        byte[] claims = new Encoder().i32(60).raw(new byte[10]).toByteArray();
        assertThatThrownBy(() -> new Decoder(claims).bytes(64)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        byte[] negative = new Encoder().i32(-1).toByteArray();
        assertThatThrownBy(() -> new Decoder(negative).bytes(Integer.MAX_VALUE))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void countsMustFitTheBytesLeft() {
        byte[] bytes = new Encoder().i32(1000).raw(new byte[100]).toByteArray();
        assertThatThrownBy(() -> new Decoder(bytes).count(10_000, 32))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
        byte[] fits = new Encoder().i32(100).raw(new byte[100]).toByteArray();
        assertThat(new Decoder(fits).count(10_000, 1)).isEqualTo(100);
        assertThatThrownBy(() -> new Decoder(bytes).count(999, 1)).isInstanceOfSatisfying(
                InvalidMessageException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void unknownKindAndVersionAreRejected() {
        byte[] kind9 = Encoder.message(1, 9).toByteArray();
        assertThatThrownBy(() -> Sample.decode(kind9)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KIND));
        byte[] v2 = Encoder.message(2, 0).toByteArray();
        assertThatThrownBy(() -> Sample.decode(v2)).isInstanceOfSatisfying(InvalidMessageException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION));
        assertThatThrownBy(() -> Sample.decode(new byte[0])).isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void booleansHaveOneEncoding() {
        assertThatThrownBy(() -> new Decoder(new byte[] {2}).bool()).isInstanceOf(InvalidMessageException.class);
        assertThat(new Decoder(new byte[] {1}).bool()).isTrue();
    }

    @Test
    void nonNegativeRejectsNegative() {
        byte[] bytes = new Encoder().i64(-5).toByteArray();
        assertThatThrownBy(() -> new Decoder(bytes).nonNegative("tick"))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("tick");
    }

    @Test
    void integersAreBigEndian() {
        assertThat(new Encoder().u16(0x0102).i32(0x03040506).i64(0x0708090a0b0c0d0eL).toByteArray())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertThatThrownBy(() -> new Encoder().u8(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Encoder().u16(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signingBytesSeparateDomainsAndInstances() {
        byte[] content = {1, 2, 3};
        byte[] a = Domain.signingBytes("bftkit/test/vote", InstanceId.of("x"), content);
        assertThat(a).isNotEqualTo(Domain.signingBytes("bftkit/test/proposal", InstanceId.of("x"), content));
        assertThat(a).isNotEqualTo(Domain.signingBytes("bftkit/test/vote", InstanceId.of("y"), content));
        // length prefixes prevent shifting bytes between fields
        assertThat(Domain.signingBytes("ab", InstanceId.of("c"), content))
                .isNotEqualTo(Domain.signingBytes("a", InstanceId.of("bc"), content));
    }
}
