/**
 * bftkit's API: value types and errors ({@code dev.bftkit.api}), the four service-provider interfaces
 * ({@code dev.bftkit.api.spi}), and the canonical wire codec ({@code dev.bftkit.api.codec}). It depends on nothing outside the JDK and
 * starts no threads; the node runtime that drives a Decider is the {@code dev.bftkit.runtime} module.
 */
module dev.bftkit.api {
    exports dev.bftkit.api;
    exports dev.bftkit.api.spi;
    exports dev.bftkit.api.codec;

    uses dev.bftkit.api.spi.CryptoProvider;
    uses dev.bftkit.api.spi.StorageProvider;
    uses dev.bftkit.api.spi.TransportProvider;
    uses dev.bftkit.api.spi.DeciderProvider;
}
