package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module graph is a star around {@code dev.bftkit.api}: no implementation module requires another bftkit
 * module at run time, and only the CLI brings them together. An algorithm module may require the conformance kit
 * statically (optional at run time), for the adversaries it ships in an exported package, {@code ….adversary}.
 * PARSEC's golden tools ({@code dev.bftkit.parsec.golden}) are a tool module like the CLI: they require PARSEC, which
 * exports its algorithm package to them alone. Checked on the real module descriptors of the boot layer.
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
    void theRuntimeRequiresOnlyTheApiAndTheApiHoldsNoRuntime() {
        assertThat(bftkitRequires(descriptor("dev.bftkit.runtime"))).containsExactly("dev.bftkit.api");
        assertThat(descriptor("dev.bftkit.api").packages()).as("the API module holds no runtime")
                .containsExactlyInAnyOrder("dev.bftkit.api", "dev.bftkit.api.spi", "dev.bftkit.api.codec");
    }

    @Test
    void everyImplementationModuleRequiresOnlyTheApiAtRunTime() {
        for (String m : PLUGINS) {
            ModuleDescriptor d = descriptor(m);
            assertThat(bftkitRequires(d)).as(m).contains("dev.bftkit.api");
            for (ModuleDescriptor.Requires r : d.requires()) {
                if (m.equals("dev.bftkit.conformance") && r.name().equals("dev.bftkit.runtime")) {
                    continue; // the kit's cluster checks run real nodes
                }
                if (r.name().startsWith("dev.bftkit.") && !r.name().equals("dev.bftkit.api")) {
                    assertThat(r.name()).as(m + " may require only the kit besides the API")
                            .isEqualTo("dev.bftkit.conformance");
                    assertThat(r.modifiers()).as(m + " requires the kit only statically")
                            .contains(ModuleDescriptor.Requires.Modifier.STATIC);
                }
            }
        }
    }

    @Test
    void implementationModulesExportNoImplementationPackages() {
        for (String m : List.of("dev.bftkit.crypto.bc", "dev.bftkit.storage.mapdb", "dev.bftkit.transport.vertx")) {
            assertThat(descriptor(m).exports()).as(m).isEmpty();
        }
        assertThat(descriptor("dev.bftkit.streamlette").exports()).as("only its adversaries for the kit")
                .extracting(ModuleDescriptor.Exports::source).containsExactly("dev.bftkit.streamlette.adversary");
        assertThat(descriptor("dev.bftkit.parsec").exports()).as("its adversaries, and its entry point for the golden"
                + " tools to them alone").extracting(e -> e.source() + " to " + e.targets())
                .containsExactlyInAnyOrder("dev.bftkit.parsec.adversary to []",
                        "dev.bftkit.parsec to [dev.bftkit.parsec.golden]");
    }

    @Test
    void theGoldenToolsRequireOnlyTheApiAndParsec() {
        assertThat(bftkitRequires(descriptor("dev.bftkit.parsec.golden")))
                .containsExactlyInAnyOrder("dev.bftkit.api", "dev.bftkit.parsec");
    }

    @Test
    void theApiUsesEveryProviderKind() {
        assertThat(descriptor("dev.bftkit.api").uses()).containsExactlyInAnyOrder(
                "dev.bftkit.api.spi.CryptoProvider", "dev.bftkit.api.spi.StorageProvider",
                "dev.bftkit.api.spi.TransportProvider", "dev.bftkit.api.spi.DeciderProvider");
    }
}
