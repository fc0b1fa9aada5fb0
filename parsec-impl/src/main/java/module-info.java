/**
 * PARSEC, asynchronous gossip-graph BFT with an ordered block stream: the {@code parsec} decider. Exports only
 * {@code dev.bftkit.parsec.replay}, the replay of the reference implementation's recorded graphs.
 */
module dev.bftkit.parsec {
    requires dev.bftkit.api;

    exports dev.bftkit.parsec.replay;

    provides dev.bftkit.api.spi.DeciderProvider with dev.bftkit.parsec.ParsecDeciderProvider;
}
