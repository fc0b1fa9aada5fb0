package dev.bftkit.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void nodeIdIsAValueWithBoundedLength() {
        byte[] raw = {1, 2, 3};
        NodeId a = NodeId.of(raw);
        raw[0] = 9;
        assertThat(a.bytes()).containsExactly(1, 2, 3);
        assertThat(a).isEqualTo(NodeId.fromHex("010203")).hasSameHashCodeAs(NodeId.fromHex("010203"));
        assertThatThrownBy(() -> NodeId.of(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeId.of(new byte[65])).isInstanceOf(IllegalArgumentException.class);
        assertThat(NodeId.of(new byte[] {(byte) 0xff}).compareTo(NodeId.of(new byte[] {0x7f}))).isPositive();
    }

    @Test
    void instanceIdPrintsReadably() {
        assertThat(InstanceId.of("block-7")).hasToString("block-7");
        assertThat(InstanceId.of(new byte[] {0, (byte) 0xff})).hasToString("0x00ff");
        assertThatThrownBy(() -> InstanceId.of(new byte[65])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decisionCopiesItsBytesAndComparesOutcomes() {
        byte[] v = {1, 2};
        Decision d = new Decision(InstanceId.of("i"), 0, v, new byte[] {9});
        v[0] = 7;
        assertThat(d.value()).containsExactly(1, 2);
        Decision otherProof = new Decision(InstanceId.of("i"), 0, new byte[] {1, 2}, new byte[] {8});
        assertThat(d.sameOutcome(otherProof)).isTrue();
        assertThat(d).isNotEqualTo(otherProof);
        assertThat(d.sameOutcome(new Decision(InstanceId.of("i"), 1, new byte[] {1, 2}, new byte[0]))).isFalse();
        assertThatThrownBy(() -> new Decision(InstanceId.of("i"), -1, v, v))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void faultLogIsBoundedAndCountsWhatItDrops() {
        FaultLog log = new FaultLog(2);
        NodeId bad = NodeId.of(new byte[] {5});
        for (int i = 0; i < 5; i++) {
            log.add(new Fault(bad, Fault.Kind.EQUIVOCATION, "x" + i, List.of(new byte[] {(byte) i})));
        }
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.dropped()).isEqualTo(3);
        assertThat(log.offenders()).containsExactly(bad);
        assertThat(log.entries()).extracting(Fault::detail).containsExactly("x0", "x1");
        assertThat(new FaultLog().isEmpty()).isTrue();
    }

    @Test
    void oneOffenderCannotCrowdTheEvidenceAgainstOthersOut() {
        FaultLog log = new FaultLog(100, 3, 1_000);
        NodeId flooder = NodeId.of(new byte[] {5});
        NodeId other = NodeId.of(new byte[] {6});
        for (int i = 0; i < 50; i++) {
            log.add(new Fault(flooder, Fault.Kind.NOT_ENTITLED, "f", List.of(new byte[10])));
        }
        assertThat(log.add(new Fault(other, Fault.Kind.EQUIVOCATION, "o", List.of(new byte[10])))).isTrue();
        assertThat(log.size()).as("three of the flooder's, then the other's").isEqualTo(4);
        assertThat(log.dropped()).isEqualTo(47);
        assertThat(log.bytes()).isEqualTo(4 * 11);
        assertThat(log.add(new Fault(NodeId.of(new byte[] {7}), Fault.Kind.MALFORMED, "big",
                List.of(new byte[1_000])))).as("evidence past the per-offender byte bound").isFalse();
        assertThat(log.bytes()).isLessThanOrEqualTo(log.maxBytes(3));
        assertThat(log.size()).isLessThanOrEqualTo((int) log.maxEntries(2));
    }

    @Test
    void errorsCarryTheirMachineReadableReason() {
        InvalidMessageException e = new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, "big");
        assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE);
        assertThat(e).hasMessage("TOO_LARGE: big").isInstanceOf(BftException.class);
        TransportException t = new TransportException(TransportException.Kind.TIMEOUT, "slow");
        assertThat(t.kind()).isEqualTo(TransportException.Kind.TIMEOUT);
    }

    @Test
    void bytesHelpers() {
        assertThat(Bytes.compareUnsigned(new byte[] {(byte) 0x80}, new byte[] {0x7f})).isPositive();
        assertThat(Bytes.compareUnsigned(new byte[] {1}, new byte[] {1, 0})).isNegative();
        assertThat(Bytes.startsWith(new byte[] {1, 2, 3}, new byte[] {1, 2})).isTrue();
        assertThat(Bytes.startsWith(new byte[] {1}, new byte[] {1, 2})).isFalse();
        assertThat(Bytes.concat(new byte[] {1}, new byte[0], new byte[] {2, 3})).containsExactly(1, 2, 3);
        assertThat(Bytes.fromHex(Bytes.hex(new byte[] {(byte) 0xab, 0}))).containsExactly(0xab, 0);
    }
}
