package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.AuthenticatedTap;
import dev.bftkit.conformance.TransportVerification;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Mutation sanity for the kit's transport rules: each planted bug in {@link TransportMutants} must make the named
 * rule fail, and the real {@code vertx} transport must pass that very rule, so the catch is the mutant's doing.
 */
class VertxMutationTest {
    /** A tap factory, as {@link TransportVerification#authenticatedTap} takes it. */
    @FunctionalInterface
    interface Taps {
        AuthenticatedTap open(TransportConfig member, NodeId target) throws IOException;
    }

    /** The kit's verification over a given provider and tap, as a transport author's subclass would be. */
    static final class Verification extends TransportVerification {
        private final TransportProvider provider;
        private final Taps taps;

        Verification(TransportProvider provider, Taps taps) {
            this.provider = provider;
            this.taps = taps;
        }

        @Override
        protected TransportProvider provider() {
            return provider;
        }

        @Override
        protected Crypto crypto() {
            return Plugins.crypto("bc").create();
        }

        @Override
        protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
            return taps.open(member, target);
        }
    }

    /** Runs one rule and closes what it opened; returns its failure, or null if it passed. */
    private static AssertionError run(Verification v, Consumer<Verification> rule) throws InterruptedException {
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
        AssertionError caught = run(new Verification(new TransportMutants.TrustsInFrameFrom(),
                TransportMutants.TrustsInFrameFrom::tap), TransportVerification::required_claimedSenderIsNeverTrusted);
        assertThat(caught).as("required_claimedSenderIsNeverTrusted on a transport that trusts an in-frame from")
                .isNotNull();
        assertThat(caught.getMessage()).contains("member 0's transport (the server under test)")
                .contains("never an id written inside a frame");
        assertThat(run(new Verification(new VertxTransportProvider(), VertxTap::open),
                TransportVerification::required_claimedSenderIsNeverTrusted))
                .as("the same rule on the real transport").isNull();
    }

    @Test
    void requestThatWaitsForRoomIsCaughtByRequestNeverBlocksItsCaller() throws Exception {
        Consumer<Verification> rule = v -> {
            try {
                v.required_requestNeverBlocksItsCaller();
            } catch (IOException e) {
                throw new AssertionError("could not set the rule up", e);
            }
        };
        AssertionError caught = run(new Verification(new TransportMutants.WaitsForRoom(), VertxTap::open), rule);
        assertThat(caught).as("required_requestNeverBlocksItsCaller on a transport whose request() waits for room")
                .isNotNull();
        assertThat(caught.getMessage()).contains("request() must return at once");
        assertThat(run(new Verification(new VertxTransportProvider(), VertxTap::open), rule))
                .as("the same rule on the real transport").isNull();
    }
}
