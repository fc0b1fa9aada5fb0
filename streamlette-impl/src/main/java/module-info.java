/** Streamlette, a one-shot BFT decision made from Streamlet: the {@code streamlette} decider. */
module dev.bftkit.streamlette {
    requires dev.bftkit.api;

    provides dev.bftkit.api.spi.DeciderProvider with dev.bftkit.streamlette.StreamletteProvider;
}
