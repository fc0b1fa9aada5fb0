package dev.bftkit.api.spi;

import dev.bftkit.api.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds plugins by name through {@link ServiceLoader}, on the module path ({@code provides} in a plugin's
 * {@code module-info}) or the class path ({@code META-INF/services}). An unknown name is a
 * {@link ConfigurationException} that lists the names found, and two providers of one kind with the same name are
 * an error rather than a silent pick. Only registered plugins are found: the conformance kit's test doubles are not
 * registered, so a caller that wants them passes them to {@link #storage(String, List)} or
 * {@link #crypto(String, List)}.
 */
public final class Plugins {
    private Plugins() {
    }

    /**
     * {@return the crypto provider named {@code name}}
     *
     * @param name a crypto provider's name
     * @throws ConfigurationException if none or several have that name
     */
    public static CryptoProvider crypto(String name) {
        return find(CryptoProvider.class, "crypto", name, cryptoProviders(), CryptoProvider::name);
    }

    /**
     * {@return the storage provider named {@code name}}
     *
     * @param name a storage provider's name
     * @throws ConfigurationException if none or several have that name
     */
    public static StorageProvider storage(String name) {
        return find(StorageProvider.class, "storage", name, storageProviders(), StorageProvider::name);
    }

    /**
     * {@return the crypto provider named {@code name}, among those found and {@code extra}}
     *
     * <p>For callers that bring providers of their own which no production node may find, such as the conformance
     * kit's test doubles: they are never registered as plugins, so the plain lookup does not see them.
     *
     * @param name a crypto provider's name
     * @param extra providers to consider beside those found
     * @throws ConfigurationException if none or several have that name
     */
    public static CryptoProvider crypto(String name, List<? extends CryptoProvider> extra) {
        return find(CryptoProvider.class, "crypto", name, with(cryptoProviders(), extra, CryptoProvider::name),
                CryptoProvider::name);
    }

    /**
     * {@return the storage provider named {@code name}, among those found and {@code extra}}
     *
     * <p>For callers that bring providers of their own which no production node may find, such as the conformance
     * kit's test doubles: they are never registered as plugins, so the plain lookup does not see them.
     *
     * @param name a storage provider's name
     * @param extra providers to consider beside those found
     * @throws ConfigurationException if none or several have that name
     */
    public static StorageProvider storage(String name, List<? extends StorageProvider> extra) {
        return find(StorageProvider.class, "storage", name, with(storageProviders(), extra, StorageProvider::name),
                StorageProvider::name);
    }

    /**
     * {@return the transport provider named {@code name}}
     *
     * @param name a transport provider's name
     * @throws ConfigurationException if none or several have that name
     */
    public static TransportProvider transport(String name) {
        return find(TransportProvider.class, "transport", name, transportProviders(), TransportProvider::name);
    }

    /**
     * {@return the provider of the algorithm named {@code name}}
     *
     * @param name an algorithm's name
     * @throws ConfigurationException if none or several have that name
     */
    public static DeciderProvider decider(String name) {
        return find(DeciderProvider.class, "decider", name, deciderProviders(), DeciderProvider::name);
    }

    /**
     * Refuses a test-only crypto provider where real nodes talk over a network.
     *
     * @param provider the provider
     * @return {@code provider}, if it is {@link CryptoProvider#secure() secure}
     * @throws ConfigurationException if it is not
     */
    public static CryptoProvider requireSecure(CryptoProvider provider) {
        return SecureCheck.require(provider);
    }

    /**
     * Refuses a test-only crypto suite where real nodes talk over a network; {@link TransportConfig} calls it.
     *
     * @param crypto the suite
     * @return {@code crypto}, if it is {@link Crypto#secure() secure}
     * @throws ConfigurationException if it is not
     */
    public static Crypto requireSecure(Crypto crypto) {
        return SecureCheck.require(crypto);
    }

    /** {@return every crypto provider found, sorted by name} */
    public static List<CryptoProvider> cryptoProviders() {
        return load(ServiceLoader.load(CryptoProvider.class), CryptoProvider::name);
    }

    /** {@return every storage provider found, sorted by name} */
    public static List<StorageProvider> storageProviders() {
        return load(ServiceLoader.load(StorageProvider.class), StorageProvider::name);
    }

    /** {@return every transport provider found, sorted by name} */
    public static List<TransportProvider> transportProviders() {
        return load(ServiceLoader.load(TransportProvider.class), TransportProvider::name);
    }

    /** {@return every decider provider found, sorted by name} */
    public static List<DeciderProvider> deciderProviders() {
        return load(ServiceLoader.load(DeciderProvider.class), DeciderProvider::name);
    }

    /** {@return kind ({@code decider}, {@code transport}, {@code storage}, {@code crypto}) → the names found} */
    public static Map<String, List<String>> names() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("decider", deciderProviders().stream().map(DeciderProvider::name).toList());
        out.put("transport", transportProviders().stream().map(TransportProvider::name).toList());
        out.put("storage", storageProviders().stream().map(StorageProvider::name).toList());
        out.put("crypto", cryptoProviders().stream().map(CryptoProvider::name).toList());
        return out;
    }

    private static <T> List<T> load(ServiceLoader<T> loader, Function<T, String> name) {
        TreeMap<String, List<T>> byName = new TreeMap<>();
        try {
            for (T provider : loader) {
                byName.computeIfAbsent(name.apply(provider), k -> new ArrayList<>()).add(provider);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigurationException("a plugin could not be loaded: " + e.getMessage(), e);
        }
        List<T> out = new ArrayList<>();
        byName.values().forEach(out::addAll);
        return out;
    }

    private static <T> List<T> with(List<T> found, List<? extends T> extra, Function<T, String> name) {
        List<T> out = new ArrayList<>(found);
        out.addAll(extra);
        out.sort(Comparator.comparing(name));
        return out;
    }

    private static <T> T find(Class<T> type, String kind, String name, List<T> providers, Function<T, String> names) {
        List<T> matches = providers.stream().filter(p -> names.apply(p).equals(name)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        List<String> found = providers.stream().map(names).distinct().toList();
        if (matches.isEmpty()) {
            throw new ConfigurationException("no " + kind + " plugin named '" + name + "'; found: "
                    + (found.isEmpty() ? "none" : String.join(", ", found)) + " (" + type.getSimpleName() + ")");
        }
        throw new ConfigurationException(matches.size() + " " + kind + " plugins are named '" + name + "': "
                + matches.stream().map(p -> p.getClass().getName()).toList());
    }
}
