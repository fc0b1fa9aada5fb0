/**
 * PARSEC, asynchronous gossip-graph BFT with an ordered block stream: the {@code parsec} decider. Exports
 * {@code dev.bftkit.parsec.adversary}, its Byzantine strategies for the conformance kit, and, to the golden tools
 * ({@code dev.bftkit.parsec.golden}) only, {@code dev.bftkit.parsec} for its one entry point
 * {@code ParsecReplica}: a core fed recorded events by hand.
 */
@SuppressWarnings("module") // dev.bftkit.parsec.golden is built after this module, so javac cannot find it here
module dev.bftkit.parsec {
    requires dev.bftkit.api;
    // only the adversaries for the conformance kit use it; PARSEC runs without it
    requires static dev.bftkit.conformance;

    exports dev.bftkit.parsec.adversary;
    // ParsecReplica (with the Cause its events carry) is the package's one type for that module; the rest of the
    // algorithm is package-private, and the other public types serve ServiceLoader and the adversary package
    exports dev.bftkit.parsec to dev.bftkit.parsec.golden;

    provides dev.bftkit.api.spi.DeciderProvider with dev.bftkit.parsec.ParsecDeciderProvider;
}
