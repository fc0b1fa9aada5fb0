package dev.bftkit.cli;

import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.List;
import java.util.function.Function;

/**
 * The storage and crypto a production node ({@code node}, {@code cluster}, {@code keygen}) runs on: plugins found by
 * name through {@link Plugins}. The conformance kit's test doubles are not plugins, so the lookup cannot find them;
 * named here, they are refused with a line that says what they are and names the real plugins.
 */
final class NodePlugins {
    private NodePlugins() {
    }

    /**
     * {@return the storage plugin named {@code name}}
     *
     * @param name a storage plugin's name
     * @throws CliException (exit code 2) if {@code name} is a test double's
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or several, have that name
     */
    static StorageProvider storage(String name) {
        refuseDouble("storage", name, Doubles.storageProviders(), Plugins.storageProviders(), StorageProvider::name);
        return Plugins.storage(name);
    }

    /**
     * {@return the crypto plugin named {@code name}, if it is secure}
     *
     * @param name a crypto plugin's name
     * @throws CliException (exit code 2) if {@code name} is a test double's
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or several, have that name, or it is not secure
     */
    static CryptoProvider crypto(String name) {
        refuseDouble("crypto", name, Doubles.cryptoProviders(), Plugins.cryptoProviders(), CryptoProvider::name);
        return Plugins.requireSecure(Plugins.crypto(name));
    }

    private static <T> void refuseDouble(String kind, String name, List<T> doubles, List<T> plugins,
                                         Function<T, String> names) {
        if (doubles.stream().map(names).anyMatch(name::equals)) {
            List<String> real = plugins.stream().map(names).toList();
            throw CliException.usage(kind + " '" + name + "' is a test double for simulate, fuzz and bench, not a "
                    + "plugin a node can run on; " + kind + " plugins: "
                    + (real.isEmpty() ? "none found" : String.join(", ", real)));
        }
    }
}
