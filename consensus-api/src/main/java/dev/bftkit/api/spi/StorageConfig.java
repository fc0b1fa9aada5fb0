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

    /** Copies the options. */
    public StorageConfig {
        options = Map.copyOf(options);
    }

    /**
     * @param directory the store's directory
     * @return a config with no options
     */
    public static StorageConfig at(Path directory) {
        return new StorageConfig(directory, Map.of());
    }

    /**
     * @param key an option name
     * @return its value, if set
     */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
