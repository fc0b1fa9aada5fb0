package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module graph is a star around {@code dev.bftkit.api}: no implementation module requires another bftkit
 * module at run time, and only the CLI brings them together. An algorithm module may require the conformance kit
 * statically (optional at run time), for the adversaries it ships in an exported package, {@code ….adversary}.
 * The replicated log ({@code dev.bftkit.log}) wraps any Decider: it requires the API and the runtime, and the kit
 * statically for its adversaries. PARSEC's golden tools ({@code dev.bftkit.parsec.golden}) are a tool module like the
 * CLI: they require PARSEC, which
 * exports its algorithm package to them alone. The kit registers no plugin: its test doubles are opt-in. Checked on
 * the real module descriptors, read from the {@code module-info.class} of each bftkit module on this test's class
 * path. (That the CLI starts on the module path alone, so that no {@code requires} is missing, the CLI module's build
 * checks by running it so.)
 */
class ModuleGraphTest {
    static final List<String> PLUGINS = List.of("dev.bftkit.crypto.bc", "dev.bftkit.storage.mapdb",
            "dev.bftkit.transport.vertx", "dev.bftkit.streamlette", "dev.bftkit.parsec", "dev.bftkit.conformance");

    /** Every bftkit module's descriptor on the class path, by name. */
    static final Map<String, ModuleDescriptor> DESCRIPTORS = bftkitDescriptors();

    static ModuleDescriptor descriptor(String name) {
        ModuleDescriptor d = DESCRIPTORS.get(name);
        if (d == null) {
            throw new AssertionError(name + " is not on the class path; found " + DESCRIPTORS.keySet());
        }
        return d;
    }

    private static Map<String, ModuleDescriptor> bftkitDescriptors() {
        Map<String, ModuleDescriptor> out = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            readDescriptor(Path.of(entry)).filter(d -> d.name().startsWith("dev.bftkit."))
                    .ifPresent(d -> out.put(d.name(), d));
        }
        return out;
    }

    /** {@return the descriptor of the module in a class directory or jar, if it has a {@code module-info}} */
    private static Optional<ModuleDescriptor> readDescriptor(Path entry) {
        try {
            if (Files.isDirectory(entry)) {
                Path info = entry.resolve("module-info.class");
                if (!Files.exists(info)) {
                    return Optional.empty();
                }
                try (InputStream in = Files.newInputStream(info)) {
                    return Optional.of(ModuleDescriptor.read(in));
                }
            }
            if (!Files.isRegularFile(entry)) {
                return Optional.empty();
            }
            try (JarFile jar = new JarFile(entry.toFile())) {
                JarEntry info = jar.getJarEntry("module-info.class");
                if (info == null) {
                    return Optional.empty();
                }
                try (InputStream in = jar.getInputStream(info)) {
                    return Optional.of(ModuleDescriptor.read(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry, e);
        }
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
    void theLogRequiresTheApiAndTheRuntimeAndNoAlgorithm() {
        ModuleDescriptor log = descriptor("dev.bftkit.log");
        assertThat(bftkitRequires(log)).as("it wraps whatever Decider it is given")
                .containsExactlyInAnyOrder("dev.bftkit.api", "dev.bftkit.runtime", "dev.bftkit.conformance");
        assertThat(log.requires()).filteredOn(r -> r.name().equals("dev.bftkit.conformance"))
                .allSatisfy(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertThat(log.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.bftkit.log");
    }

    @Test
    void theGoldenToolsRequireOnlyTheApiAndParsec() {
        assertThat(bftkitRequires(descriptor("dev.bftkit.parsec.golden")))
                .containsExactlyInAnyOrder("dev.bftkit.api", "dev.bftkit.parsec");
    }

    @Test
    void theKitExportsItsFivePackagesAndRegistersNoPlugin() {
        ModuleDescriptor kit = descriptor("dev.bftkit.conformance");
        assertThat(kit.exports()).extracting(ModuleDescriptor.Exports::source).containsExactlyInAnyOrder(
                "dev.bftkit.conformance.junit", "dev.bftkit.conformance.checks", "dev.bftkit.conformance.sim",
                "dev.bftkit.conformance.adversary", "dev.bftkit.conformance.doubles");
        assertThat(kit.provides()).as("the test doubles are opt-in, never found as plugins").isEmpty();
    }

    @Test
    void theApiUsesEveryProviderKind() {
        assertThat(descriptor("dev.bftkit.api").uses()).containsExactlyInAnyOrder(
                "dev.bftkit.api.spi.CryptoProvider", "dev.bftkit.api.spi.StorageProvider",
                "dev.bftkit.api.spi.TransportProvider", "dev.bftkit.api.spi.DeciderProvider");
    }
}
