package dev.bftkit.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import org.junit.jupiter.api.Test;

class EncodedPublicKeyTest {
    private static final class A extends EncodedPublicKey {
        A(byte[] encoded) {
            super("a", encoded);
        }
    }

    private static final class B extends EncodedPublicKey {
        B(byte[] encoded) {
            super("b", encoded);
        }
    }

    @Test
    void equalByEncodingWithinOneClassOnly() {
        byte[] bytes = {1, 2, 3};
        A a = new A(bytes);
        bytes[0] = 9; // the key copied its encoding
        assertThat(a).isEqualTo(new A(new byte[] {1, 2, 3})).hasSameHashCodeAs(new A(new byte[] {1, 2, 3}));
        assertThat(a).isNotEqualTo(new A(new byte[] {1, 2, 4})).isNotEqualTo(new B(new byte[] {1, 2, 3}));
        assertThat(a.toString()).isEqualTo("a:010203");
        assertThat(a.nodeId()).isEqualTo(NodeId.of(new byte[] {1, 2, 3}));
    }

    @Test
    void encodedHandsOutCopies() {
        A a = new A(new byte[] {1, 2, 3});
        a.encoded()[0] = 7;
        assertThat(a.encoded()).containsExactly(1, 2, 3);
    }
}
