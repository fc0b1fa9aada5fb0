/**
 * bftkit's API: value types and errors ({@code dev.bftkit.api}), the four service-provider interfaces
 * ({@code dev.bftkit.api.spi}), the canonical wire codec ({@code dev.bftkit.api.codec}) and the node runtime
 * ({@code dev.bftkit.api.runtime}). It depends on nothing outside the JDK.
 */
module dev.bftkit.api {
    exports dev.bftkit.api;
    exports dev.bftkit.api.spi;
    exports dev.bftkit.api.codec;
    exports dev.bftkit.api.runtime;

    uses dev.bftkit.api.spi.CryptoProvider;
    uses dev.bftkit.api.spi.StorageProvider;
    uses dev.bftkit.api.spi.TransportProvider;
    uses dev.bftkit.api.spi.DeciderProvider;
}
