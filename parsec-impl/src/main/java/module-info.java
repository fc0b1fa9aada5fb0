/**
 * PARSEC, asynchronous gossip-graph BFT with an ordered block stream: the {@code parsec} decider. Exports
 * {@code dev.bftkit.parsec.replay}, the replay of the reference implementation's recorded graphs, and
 * {@code dev.bftkit.parsec.adversary}, its Byzantine strategies for the conformance kit.
 */
module dev.bftkit.parsec {
    requires dev.bftkit.api;
    // only the adversaries for the conformance kit use it; PARSEC runs without it
    requires static dev.bftkit.conformance;

    exports dev.bftkit.parsec.replay;
    exports dev.bftkit.parsec.adversary;

    provides dev.bftkit.api.spi.DeciderProvider with dev.bftkit.parsec.ParsecDeciderProvider;
}
