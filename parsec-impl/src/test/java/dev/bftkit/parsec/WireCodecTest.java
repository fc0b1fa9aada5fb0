package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bftkit's PARSEC wire format: round trips and rejections. */
class WireCodecTest {
    private static final NodeId A = NodeId.of("alice".getBytes(StandardCharsets.UTF_8));
    private static final NodeId B = NodeId.of("bob".getBytes(StandardCharsets.UTF_8));
    private static final byte[] H1 = new byte[32];
    private static final byte[] H2 = new byte[32];

    static {
        H1[0] = 1;
        H2[0] = 2;
    }

    private static Incoming roundTrip(ParsecCore.Content c) {
        byte[] wire = WireCodec.encodeEvent(WireCodec.encodeContent(c), new byte[] {7, 7});
        return WireCodec.decodeEvent(wire, CoreNetwork.LIMITS, TestCrypto.INSTANCE::hash);
    }

    @Test
    void every_cause_and_observation_round_trips() {
        Malice accomplice = Malice.accomplice(H1, Malice.of(Malice.Kind.DUPLICATE_VOTE, H1, H2));
        List<Observation> observations = List.of(new Observation.Genesis(List.of(A, B), new byte[] {1}),
                new Observation.Add(B, new byte[0]), new Observation.Remove(A, new byte[] {2}),
                new Observation.Accusation(B, accomplice),
                new Observation.Accusation(B, Malice.rejected(Malice.Kind.INVALID_REQUEST, new byte[] {9, 9})),
                new Observation.Opaque("pay".getBytes(StandardCharsets.UTF_8)));
        for (Observation o : observations) {
            Incoming in = roundTrip(new ParsecCore.Content(A, Cause.OBSERVATION, H1, null, null, o,
                    new byte[] {5}, 3));
            assertThat(in.cause()).isEqualTo(Cause.OBSERVATION);
            assertThat(WireCodec.encodeObservation(in.observation())).isEqualTo(WireCodec.encodeObservation(o));
            assertThat(in.voteSignature()).containsExactly(5);
            assertThat(in.signature()).containsExactly(7, 7);
        }
        Incoming req = roundTrip(new ParsecCore.Content(A, Cause.REQUESTING, H1, null, B, null,
                new byte[0], 1));
        assertThat(req.recipient()).isEqualTo(B);
        Incoming resp = roundTrip(new ParsecCore.Content(A, Cause.RESPONSE, H1, H2, null, null,
                new byte[0], 1));
        assertThat(resp.otherParent()).isEqualTo(H2);
        Incoming init = roundTrip(new ParsecCore.Content(A, Cause.INITIAL, null, null, null, null,
                new byte[0], 0));
        assertThat(init.selfParent()).isNull();
        assertThat(init.hash()).isEqualTo(TestCrypto.INSTANCE.hash(WireCodec.encodeContent(
                new ParsecCore.Content(A, Cause.INITIAL, null, null, null, null, new byte[0], 0))));
    }

    @Test
    void malformed_events_are_rejected_with_reasons() {
        byte[] good = WireCodec.encodeEvent(WireCodec.encodeContent(new ParsecCore.Content(A, Cause.INITIAL, null,
                null, null, null, new byte[0], 0)), new byte[] {1});
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> WireCodec.decodeEvent(trailing, CoreNetwork.LIMITS, TestCrypto.INSTANCE::hash))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TRAILING_BYTES));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> WireCodec.decodeEvent(truncated, CoreNetwork.LIMITS, TestCrypto.INSTANCE::hash))
                .isInstanceOf(InvalidMessageException.class);
        WireCodec.Limits tiny = new WireCodec.Limits(10, 8, 32);
        assertThatThrownBy(() -> WireCodec.decodeEvent(good, tiny, TestCrypto.INSTANCE::hash))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE));
    }
}
