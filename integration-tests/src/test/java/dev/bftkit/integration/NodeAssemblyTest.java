package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NodeAssembly} over real plugins (Streamlette, Vert.x, Ed25519) and a storage provider handed over as an
 * instance: what it opens belongs to the node, what it is handed stays its owner's, and what it opened before a step
 * failed is closed again.
 */
class NodeAssemblyTest {
    private final Crypto crypto = Plugins.crypto("bc").create();
    private final SigningKey key = LoopbackNetwork.key(crypto, 1);

    /** A one-member committee: it decides alone. */
    private NodeAssembly alone(InetSocketAddress listen) {
        return new NodeAssembly().decider("streamlette").transport("vertx").crypto(crypto)
                .instance(InstanceId.of("assembly")).committee(Committee.equalWeights(List.of(key.publicKey().nodeId())))
                .key(key).listen(listen).propose("v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void namesEveryMissingSetting() {
        assertThatThrownBy(() -> new NodeAssembly().decider("streamlette").open())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("NodeAssembly: set transport, storage, crypto, instance, committee, key, propose or "
                        + "application before opening");
    }

    @Test
    void theNodeClosesTheStorageTheAssemblyOpenedFromAProviderInstance(@TempDir Path dir) throws Exception {
        RecordingProvider provider = new RecordingProvider(false);
        Node node = alone(LoopbackNetwork.freeLoopbackAddress()).storage(provider).storageDir(dir).start();
        assertThat(node.decide().get(1, TimeUnit.MINUTES).value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
        assertThat(provider.opened.written).isPositive();
        assertThat(provider.opened.closed).isFalse();
        node.close();
        assertThat(provider.opened.closed).as("closed with the node").isTrue();
    }

    @Test
    void anOpenStoreHandedInStaysOpen() throws Exception {
        RecordingStorage shared = new RecordingStorage(Doubles.memoryStorage(), false);
        Node node = alone(LoopbackNetwork.freeLoopbackAddress()).storage(shared).start();
        node.decide().get(1, TimeUnit.MINUTES);
        node.close();
        assertThat(shared.closed).isFalse();
    }

    @Test
    void aTransportThatCannotListenClosesTheStoreOpenedBeforeIt(@TempDir Path dir) throws Exception {
        RecordingProvider provider = new RecordingProvider(false);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            assertThatThrownBy(() -> alone(busy).storage(provider).storageDir(dir).open())
                    .isInstanceOf(TransportException.class);
        }
        assertThat(provider.opened.closed).isTrue();
    }

    @Test
    void aStoreTheDeciderCannotLoadClosesTheTransportAndTheStore(@TempDir Path dir) {
        RecordingProvider provider = new RecordingProvider(true);
        InetSocketAddress listen = LoopbackNetwork.freeLoopbackAddress();
        assertThatThrownBy(() -> alone(listen).storage(provider).storageDir(dir).open())
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith("cannot load instance assembly from storage: ");
        assertThat(provider.opened.closed).isTrue();
        // the transport was closed too: its address can be bound again
        try (NodeAssembly.Opened again = alone(listen).storage(new RecordingProvider(false)).storageDir(dir).open()) {
            assertThat(again.decider().instance()).isEqualTo(InstanceId.of("assembly"));
        }
    }

    /**
     * Every embedding gets the lost-store guard from the assembly, not only the {@code node} command: on real MapDB
     * files, with the signing record in its default place (the storage directory), a store whose files were deleted
     * is refused before the Decider exists; once the loss is accepted, the instance opened with the lost store is
     * refused for good and a new one opens.
     */
    @Test
    void aStoreThatLostWhatTheNodeStoredIsRefusedUntilTheLossIsAcceptedAndThenOnlyNewInstancesRun(@TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("store");
        InetSocketAddress listen = LoopbackNetwork.freeLoopbackAddress();
        alone(listen).storage("mapdb").storageDir(store).open().close();
        try (Stream<Path> files = Files.list(store)) {
            for (Path f : files.filter(f -> !f.endsWith(NodeAssembly.SIGNING_RECORD)).toList()) {
                Files.delete(f);
            }
        }
        assertThatThrownBy(() -> alone(listen).storage("mapdb").storageDir(store).open())
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind())
                        .isEqualTo(StorageException.Kind.STATE_LOST))
                .hasMessageContaining("lost the store it signed with: the store holds no signing record");
        assertThatThrownBy(() -> alone(listen).storage("mapdb").storageDir(store).acceptLostStore(true).open())
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind())
                        .isEqualTo(StorageException.Kind.MAY_HAVE_SIGNED));
        try (NodeAssembly.Opened next = alone(listen).storage("mapdb").storageDir(store)
                .instance(InstanceId.of("next")).open()) {
            assertThat(next.decider().instance()).isEqualTo(InstanceId.of("next"));
        }
    }

    /** A storage plugin handed over as an instance, no ServiceLoader involved; it remembers the store it opened. */
    private static final class RecordingProvider implements StorageProvider {
        final boolean failReads;
        RecordingStorage opened;

        RecordingProvider(boolean failReads) {
            this.failReads = failReads;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Storage open(StorageConfig config) {
            opened = new RecordingStorage(Doubles.memoryStorage(), failReads);
            return opened;
        }

        @Override
        public boolean durable() {
            return false;
        }
    }

    /** A store that counts writes, remembers being closed, and can fail every read. */
    private static final class RecordingStorage implements Storage {
        final Storage inner;
        final boolean failReads;
        volatile int written;
        volatile boolean closed;

        RecordingStorage(Storage inner, boolean failReads) {
            this.inner = inner;
            this.failReads = failReads;
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            if (failReads) {
                throw new StorageException("unreadable");
            }
            return inner.get(key);
        }

        @Override
        public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
            if (failReads) {
                throw new StorageException("unreadable");
            }
            return inner.scan(prefix, after, limit);
        }

        @Override
        public void write(WriteBatch batch) {
            written++;
            inner.write(batch);
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }
}
