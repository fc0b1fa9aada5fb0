/** PARSEC, asynchronous gossip-graph BFT with an ordered block stream: the {@code parsec} decider. */
module dev.bftkit.parsec {
    requires dev.bftkit.api;
}
