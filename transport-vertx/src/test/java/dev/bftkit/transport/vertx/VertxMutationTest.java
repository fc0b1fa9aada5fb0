package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.junit.TransportVerification;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Mutation sanity for the kit's transport rules: each planted bug in {@link TransportMutants} must make the named
 * rule fail, and the real {@code vertx} transport must pass that very rule, so the catch is the mutant's doing.
 */
class VertxMutationTest {
    /** Runs one rule and closes what it opened; returns its failure, or null if it passed. */
    private static AssertionError run(KitRun v, Consumer<KitRun> rule) throws InterruptedException {
        try {
            rule.accept(v);
            return null;
        } catch (AssertionError e) {
            return e;
        } finally {
            v.closeEverything();
        }
    }

    @Test
    void trustingAnInFrameFromIsCaughtByClaimedSenderIsNeverTrusted() throws Exception {
        AssertionError caught = run(new KitRun(new TransportMutants.TrustsInFrameFrom(),
                TransportMutants.TrustsInFrameFrom::tap), TransportVerification::required_claimedSenderIsNeverTrusted);
        assertThat(caught).as("required_claimedSenderIsNeverTrusted on a transport that trusts an in-frame from")
                .isNotNull();
        assertThat(caught.getMessage()).contains("member 0's transport (the server under test)")
                .contains("never an id written inside a frame");
        assertThat(run(new KitRun(new VertxTransportProvider(), VertxTap::open),
                TransportVerification::required_claimedSenderIsNeverTrusted))
                .as("the same rule on the real transport").isNull();
    }

    @Test
    void requestThatWaitsForRoomIsCaughtByRequestNeverBlocksItsCaller() throws Exception {
        Consumer<KitRun> rule = v -> {
            try {
                v.required_requestNeverBlocksItsCaller();
            } catch (IOException e) {
                throw new AssertionError("could not set the rule up", e);
            }
        };
        AssertionError caught = run(new KitRun(new TransportMutants.WaitsForRoom(), VertxTap::open), rule);
        assertThat(caught).as("required_requestNeverBlocksItsCaller on a transport whose request() waits for room")
                .isNotNull();
        assertThat(caught.getMessage()).contains("request() must return at once");
        assertThat(run(new KitRun(new VertxTransportProvider(), VertxTap::open), rule))
                .as("the same rule on the real transport").isNull();
    }
}
