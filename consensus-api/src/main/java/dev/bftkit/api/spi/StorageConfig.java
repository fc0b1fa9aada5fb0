package dev.bftkit.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where a store lives and provider-specific options.
 *
 * @param directory the store's directory; a durable store creates its files in it, an in-memory one may ignore it
 * @param options provider-specific settings, as text
 */
public record StorageConfig(Path directory, Map<String, String> options) {

    /**
     * Copies the options.
     *
     * @param directory the store's directory; a durable store creates its files in it (it requires one), an
     *     in-memory store may ignore it
     * @param options provider-specific settings by name, as text (may be empty); no null names or values
     * @throws NullPointerException if {@code options}, or an option's name or value, is null
     */
    public StorageConfig {
        options = Map.copyOf(options);
    }

    /**
     * {@return a configuration for a store in {@code directory}, with no options}
     *
     * @param directory the store's directory
     */
    public static StorageConfig at(Path directory) {
        return new StorageConfig(directory, Map.of());
    }

    /**
     * {@return the value of option {@code key}, if set}
     *
     * @param key an option name
     */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
