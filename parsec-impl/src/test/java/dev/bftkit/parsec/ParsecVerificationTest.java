package dev.bftkit.parsec;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.Adversary;
import dev.bftkit.conformance.DeciderVerification;
import java.util.List;
import java.util.Map;

/**
 * PARSEC passes the kit's Decider verification for the ordered-stream rules. The kit gives each honest node its
 * own values to submit, so PARSEC runs in Single mode, where every node's own votes are decided; in the default
 * Supermajority mode a payload is decided only once more than 2/3 of the voters submitted it.
 */
class ParsecVerificationTest extends DeciderVerification {
    /** The options every simulated PARSEC node gets in the kit's rules. */
    static final Map<String, String> OPTIONS = Map.of("parsec.mode", "single");

    @Override
    protected DeciderProvider provider() {
        return new ParsecDeciderProvider();
    }

    @Override
    protected Map<String, String> options() {
        return OPTIONS;
    }

    /** PARSEC's own strategies: forks, fork floods, false accusations, withheld parents, a removed peer. */
    @Override
    protected List<Adversary> adversaries() {
        return Adversaries.all();
    }
}
