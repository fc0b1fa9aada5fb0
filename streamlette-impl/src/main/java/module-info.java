/** Streamlette, a one-shot BFT decision made from Streamlet: the {@code streamlette} decider. */
module dev.bftkit.streamlette {
    requires dev.bftkit.api;
    // only the adversaries for the conformance kit use it; Streamlette runs without it
    requires static dev.bftkit.conformance;

    exports dev.bftkit.streamlette.adversary;

    provides dev.bftkit.api.spi.DeciderProvider with dev.bftkit.streamlette.StreamletteProvider;
}
