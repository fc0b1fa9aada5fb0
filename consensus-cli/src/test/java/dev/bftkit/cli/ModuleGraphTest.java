package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module graph is a star around {@code dev.bftkit.api}: no implementation module requires another bftkit
 * module, and only the CLI brings them together. Checked on the real module descriptors of the boot layer.
 */
class ModuleGraphTest {
    static final List<String> PLUGINS = List.of("dev.bftkit.crypto.bc", "dev.bftkit.storage.mapdb",
            "dev.bftkit.transport.vertx", "dev.bftkit.streamlette", "dev.bftkit.parsec", "dev.bftkit.conformance");

    static ModuleDescriptor descriptor(String name) {
        return ModuleLayer.boot().findModule(name).orElseThrow(() -> new AssertionError(name + " is not a named "
                + "module in the boot layer")).getDescriptor();
    }

    static Set<String> bftkitRequires(ModuleDescriptor d) {
        return d.requires().stream().map(ModuleDescriptor.Requires::name).filter(n -> n.startsWith("dev.bftkit."))
                .collect(Collectors.toSet());
    }

    @Test
    void theApiRequiresNothingOutsideTheJdk() {
        assertThat(descriptor("dev.bftkit.api").requires()).allSatisfy(r -> assertThat(r.name()).startsWith("java."));
    }

    @Test
    void everyImplementationModuleRequiresOnlyTheApi() {
        for (String m : PLUGINS) {
            assertThat(bftkitRequires(descriptor(m))).as(m).containsExactly("dev.bftkit.api");
        }
    }

    @Test
    void implementationModulesExportNoImplementationPackages() {
        for (String m : List.of("dev.bftkit.crypto.bc", "dev.bftkit.storage.mapdb", "dev.bftkit.transport.vertx",
                "dev.bftkit.streamlette")) {
            assertThat(descriptor(m).exports()).as(m).isEmpty();
        }
    }

    @Test
    void theApiUsesEveryProviderKind() {
        assertThat(descriptor("dev.bftkit.api").uses()).containsExactlyInAnyOrder(
                "dev.bftkit.api.spi.CryptoProvider", "dev.bftkit.api.spi.StorageProvider",
                "dev.bftkit.api.spi.TransportProvider", "dev.bftkit.api.spi.DeciderProvider");
    }
}
