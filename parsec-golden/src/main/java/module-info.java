/**
 * The reference PARSEC implementation's recorded gossip graphs, read and replayed through bftkit's PARSEC, and graphs
 * generated like its benchmark inputs: tools for the {@code consensus parsec-replay} command, the benchmarks and the
 * golden tests. It drives PARSEC through {@code dev.bftkit.parsec.ParsecReplica}, the one entry point the
 * {@code dev.bftkit.parsec} module exports to it.
 */
module dev.bftkit.parsec.golden {
    requires dev.bftkit.api;
    requires dev.bftkit.parsec;

    exports dev.bftkit.parsec.golden;
}
