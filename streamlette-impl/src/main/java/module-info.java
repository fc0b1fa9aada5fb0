/** Streamlette, a one-shot BFT decision made from Streamlet: the {@code streamlette} decider. */
module dev.bftkit.streamlette {
    requires dev.bftkit.api;
}
