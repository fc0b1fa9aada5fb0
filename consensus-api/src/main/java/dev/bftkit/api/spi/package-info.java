/**
 * The four service-provider interfaces: {@link dev.bftkit.api.spi.Decider} (an algorithm),
 * {@link dev.bftkit.api.spi.Transport}, {@link dev.bftkit.api.spi.Storage} and {@link dev.bftkit.api.spi.Crypto},
 * each found by name through {@link dev.bftkit.api.spi.Plugins}.
 */
package dev.bftkit.api.spi;
