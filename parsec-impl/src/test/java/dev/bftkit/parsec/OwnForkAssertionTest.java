package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The core asserts (on in tests) that it never signs a second event at an index of its own chain, before signing. */
class OwnForkAssertionTest {
    @Test
    void aSecondOwnEventAtOneIndexFailsTheSafetyAssertion() {
        CoreNetwork net = new CoreNetwork(4, 3, true);
        ParsecCore core = net.core(net.ids.get(0));
        int last = core.ourLastEvent();
        int beforeLast = core.graph.get(last).selfParent;
        Observation vote = new Observation.Opaque("fork".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> core.newObservationEvent(beforeLast, vote)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("our own chain would fork");
    }
}
