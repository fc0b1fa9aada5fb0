package dev.bftkit.conformance.doubles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Plugin discovery on the module path: the kit's {@code provides} clauses are found by name. */
class PluginDiscoveryTest {

    @Test
    void findsTheKitsProvidersByName() {
        StorageProvider memory = Plugins.storage("memory");
        assertThat(memory.durable()).isFalse();
        try (var store = memory.open(StorageConfig.at(Path.of("unused")))) {
            store.write(new WriteBatch().put(new byte[] {1}, new byte[] {2}));
            assertThat(store.get(new byte[] {1})).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
        }
        assertThat(Plugins.names().get("storage")).contains("memory");
        assertThat(getClass().getModule().getName()).as("runs on the module path").isEqualTo("dev.bftkit.conformance");
    }

    @Test
    void anUnknownNameListsWhatWasFound() {
        assertThatThrownBy(() -> Plugins.storage("nosuch")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no storage plugin named 'nosuch'").hasMessageContaining("memory");
        assertThatThrownBy(() -> Plugins.decider("nosuch")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no decider plugin named 'nosuch'");
    }
}
