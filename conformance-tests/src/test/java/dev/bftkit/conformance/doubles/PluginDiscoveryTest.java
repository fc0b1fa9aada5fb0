package dev.bftkit.conformance.doubles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test doubles are opt-in: a plain plugin lookup ({@link Plugins}, through {@code ServiceLoader}) finds
 * neither, and a caller that passes them to the lookup gets them by name.
 */
class PluginDiscoveryTest {

    @Test
    void aPlainLookupFindsNeitherDouble() {
        assertThat(getClass().getModule().getName()).as("runs on the module path").isEqualTo("dev.bftkit.conformance");
        assertThat(getClass().getModule().getDescriptor().provides()).as("the kit registers no plugin").isEmpty();
        // Plugins asks ServiceLoader, on the module path and the class path alike
        assertThat(Plugins.storageProviders()).noneMatch(p -> p.getClass().getModule() == Doubles.class.getModule());
        assertThat(Plugins.cryptoProviders()).noneMatch(p -> p.getClass().getModule() == Doubles.class.getModule());
        assertThat(Plugins.names().get("storage")).doesNotContain(Doubles.MEMORY);
        assertThat(Plugins.names().get("crypto")).doesNotContain(Doubles.INSECURE_FAST);
        assertThatThrownBy(() -> Plugins.storage("memory")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no storage plugin named 'memory'");
        assertThatThrownBy(() -> Plugins.crypto("insecure-fast")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no crypto plugin named 'insecure-fast'");
    }

    @Test
    void aLookupThatIsGivenTheDoublesFindsThemByName() {
        StorageProvider memory = Plugins.storage("memory", Doubles.storageProviders());
        assertThat(memory.durable()).isFalse();
        try (var store = memory.open(StorageConfig.at(Path.of("unused")))) {
            store.write(new WriteBatch().put(new byte[] {1}, new byte[] {2}));
            assertThat(store.get(new byte[] {1})).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
        }
        assertThat(Plugins.crypto("insecure-fast", Doubles.cryptoProviders()).secure()).isFalse();
        assertThatThrownBy(() -> Plugins.storage("nosuch", Doubles.storageProviders()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no storage plugin named 'nosuch'").hasMessageContaining("memory");
        assertThatThrownBy(() -> Plugins.storage("memory", List.of(memory, Doubles.memoryStorageProvider())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("2 storage plugins are named 'memory'");
    }

    @Test
    void anUnknownNameListsWhatWasFound() {
        assertThatThrownBy(() -> Plugins.decider("nosuch")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no decider plugin named 'nosuch'");
    }
}
