package dev.bftkit.runtime;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.api.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds a running {@link Node} from its plugins and settings, in one place: the Decider, transport, storage and crypto
 * plugins (each by name, found with {@link Plugins}, or as a provider instance, for example a test double that no
 * {@link java.util.ServiceLoader} finds), the committee, this member's key, its address and its peers', the storage
 * directory, the instance, what it proposes, and the clock. {@link #start()} opens the storage, opens the transport,
 * creates the Decider (which reloads what the storage holds) and starts the node:
 *
 * <pre>{@code
 * Node node = new NodeAssembly()
 *         .decider("streamlette").transport("vertx").storage("mapdb").crypto("bc")
 *         .instance(InstanceId.of("block-42")).committee(committee).key(key).listen(address).peers(peers)
 *         .storageDir(dir).propose(value)
 *         .start();
 * }</pre>
 *
 * <p>A node never signs with a store that lost what it signed before: the assembly keeps a signing record (the store
 * the node signs with and the instances it opened) in the store and in a file beside it, refuses a store that lacks
 * it until an operator {@linkplain #acceptLostStore accepts the loss}, and then never runs again an instance the node
 * may have signed in ({@link #signingRecord}).
 *
 * <p>A storage or transport the assembly opens belongs to the node: {@link Node#close()} closes it. One handed in
 * open ({@link #storage(Storage)}, {@link #transport(Transport)}), for example shared by several instances, stays
 * open for its owner to close. If a step fails, what the assembly opened before it is closed again.
 *
 * <p>A builder: each setter changes this assembly and returns it; not thread-safe. {@link #open()} and
 * {@link #start()} may be called more than once (each call opens new parts).
 */
public final class NodeAssembly {
    /** The signing record's file name in the storage directory, unless {@link #signingRecord} puts it elsewhere. */
    public static final String SIGNING_RECORD = "signing-record";

    private DeciderProvider decider;
    private TransportProvider transportProvider;
    private Transport openTransport;
    private StorageProvider storageProvider;
    private Storage openStorage;
    private Path storageDir;
    private Crypto crypto;
    private InstanceId instance;
    private Committee committee;
    private SigningKey key;
    private InetSocketAddress listen;
    private Map<NodeId, InetSocketAddress> peers = Map.of();
    private TransportLimits limits = TransportLimits.DEFAULT;
    private UnaryOperator<Transport> wrap = UnaryOperator.identity();
    private Application application;
    private Long seed;
    private Map<String, String> options = Map.of();
    private TickClock clock = TickClock.REFERENCE;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private NodeListener listener = new NodeListener() { };
    private Path signingRecord;
    private Set<InstanceId> tookPartBefore = Set.of();
    private boolean acceptLostStore;

    /** An empty assembly: set at least the plugins, instance, committee, key, addresses and proposal. */
    public NodeAssembly() {
    }

    /**
     * Sets the algorithm by plugin name.
     *
     * @param name the decider plugin's name, for example {@code streamlette}
     * @return this assembly
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or more than one, has that name
     */
    public NodeAssembly decider(String name) {
        return decider(Plugins.decider(name));
    }

    /**
     * Sets the algorithm.
     *
     * @param provider the decider provider
     * @return this assembly
     */
    public NodeAssembly decider(DeciderProvider provider) {
        this.decider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /**
     * Sets the transport by plugin name; the assembly opens it on {@link #listen} with {@link #peers} and the node
     * closes it.
     *
     * @param name the transport plugin's name, for example {@code vertx}
     * @return this assembly
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or more than one, has that name
     */
    public NodeAssembly transport(String name) {
        return transport(Plugins.transport(name));
    }

    /**
     * Sets the transport plugin; the assembly opens it on {@link #listen} with {@link #peers} and the node closes it.
     *
     * @param provider the transport provider
     * @return this assembly
     */
    public NodeAssembly transport(TransportProvider provider) {
        this.transportProvider = Objects.requireNonNull(provider, "provider");
        this.openTransport = null;
        return this;
    }

    /**
     * Uses a transport that is already open, for example one that several instances share; the node serves its
     * instance on it and leaves it open. {@link #listen} and {@link #peers} are then not needed.
     *
     * @param transport the open transport
     * @return this assembly
     */
    public NodeAssembly transport(Transport transport) {
        this.openTransport = Objects.requireNonNull(transport, "transport");
        this.transportProvider = null;
        return this;
    }

    /**
     * Sets the storage by plugin name; the assembly opens it in {@link #storageDir} and the node closes it.
     *
     * @param name the storage plugin's name, for example {@code mapdb}
     * @return this assembly
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or more than one, has that name
     */
    public NodeAssembly storage(String name) {
        return storage(Plugins.storage(name));
    }

    /**
     * Sets the storage plugin, for example a test double handed over explicitly; the assembly opens it in
     * {@link #storageDir} and the node closes it.
     *
     * @param provider the storage provider
     * @return this assembly
     */
    public NodeAssembly storage(StorageProvider provider) {
        this.storageProvider = Objects.requireNonNull(provider, "provider");
        this.openStorage = null;
        return this;
    }

    /**
     * Uses a store that is already open (several instances may share one); the node writes to it and leaves it open.
     *
     * @param storage the open store
     * @return this assembly
     */
    public NodeAssembly storage(Storage storage) {
        this.openStorage = Objects.requireNonNull(storage, "storage");
        this.storageProvider = null;
        return this;
    }

    /**
     * Sets the directory the storage plugin opens its store in; created if missing. A durable storage needs one.
     *
     * @param dir the store's directory
     * @return this assembly
     */
    public NodeAssembly storageDir(Path dir) {
        this.storageDir = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * Sets the crypto suite by plugin name.
     *
     * @param name the crypto plugin's name, for example {@code bc}
     * @return this assembly
     * @throws dev.bftkit.api.ConfigurationException if no plugin, or more than one, has that name
     */
    public NodeAssembly crypto(String name) {
        return crypto(Plugins.crypto(name));
    }

    /**
     * Sets the crypto plugin; the assembly creates its suite now.
     *
     * @param provider the crypto provider
     * @return this assembly
     */
    public NodeAssembly crypto(CryptoProvider provider) {
        return crypto(provider.create());
    }

    /**
     * Sets the crypto suite.
     *
     * @param crypto the suite; the committee's keys and this member's key must be of it
     * @return this assembly
     */
    public NodeAssembly crypto(Crypto crypto) {
        this.crypto = Objects.requireNonNull(crypto, "crypto");
        return this;
    }

    /**
     * Sets the instance to decide.
     *
     * @param instance the instance; also the channel the node serves on its transport
     * @return this assembly
     */
    public NodeAssembly instance(InstanceId instance) {
        this.instance = Objects.requireNonNull(instance, "instance");
        return this;
    }

    /**
     * Sets the committee.
     *
     * @param committee every member and its weight, this member included
     * @return this assembly
     */
    public NodeAssembly committee(Committee committee) {
        this.committee = Objects.requireNonNull(committee, "committee");
        return this;
    }

    /**
     * Sets this member's signing key; its public key is the member's node id.
     *
     * @param key the key
     * @return this assembly
     */
    public NodeAssembly key(SigningKey key) {
        this.key = Objects.requireNonNull(key, "key");
        return this;
    }

    /**
     * Sets the address the transport listens on.
     *
     * @param address this member's address
     * @return this assembly
     */
    public NodeAssembly listen(InetSocketAddress address) {
        this.listen = Objects.requireNonNull(address, "address");
        return this;
    }

    /**
     * Sets the other members' addresses.
     *
     * @param peers every other member's node id and address
     * @return this assembly
     */
    public NodeAssembly peers(Map<NodeId, InetSocketAddress> peers) {
        this.peers = Map.copyOf(peers);
        return this;
    }

    /**
     * Sets the transport's limits; {@link TransportLimits#DEFAULT} if not set.
     *
     * @param limits bounds on frames, pending requests and timeouts
     * @return this assembly
     */
    public NodeAssembly transportLimits(TransportLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Wraps the transport before the node uses it, for example to watch which peers answer. The node closes the
     * wrapper when it closes the transport.
     *
     * @param wrap makes the transport the node uses from the one opened or handed in
     * @return this assembly
     */
    public NodeAssembly wrapTransport(UnaryOperator<Transport> wrap) {
        this.wrap = Objects.requireNonNull(wrap, "wrap");
        return this;
    }

    /**
     * Proposes a fixed value and accepts every value ({@link Application#proposing}).
     *
     * @param value what this member proposes
     * @return this assembly
     */
    public NodeAssembly propose(byte[] value) {
        return application(Application.proposing(value));
    }

    /**
     * Sets what this member proposes and which values it accepts.
     *
     * @param application the application
     * @return this assembly
     */
    public NodeAssembly application(Application application) {
        this.application = Objects.requireNonNull(application, "application");
        return this;
    }

    /**
     * Sets the seed of the Decider's local random choices; by default it is derived from the instance and this
     * member's node id, so each member and instance has its own and a restart keeps it.
     *
     * @param seed the seed
     * @return this assembly
     */
    public NodeAssembly seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Sets the algorithm's options (none by default).
     *
     * @param options option names and values, as the decider plugin documents them
     * @return this assembly
     */
    public NodeAssembly options(Map<String, String> options) {
        this.options = Map.copyOf(options);
        return this;
    }

    /** {@return the algorithm's options as set so far} */
    public Map<String, String> options() {
        return options;
    }

    /**
     * Sets one of the algorithm's options, keeping the others.
     *
     * @param name the option's name
     * @param value its value
     * @return this assembly
     */
    public NodeAssembly option(String name, String value) {
        Map<String, String> m = new java.util.HashMap<>(options);
        m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        this.options = Map.copyOf(m);
        return this;
    }

    /**
     * Sets the tick schedule; {@link TickClock#REFERENCE} by default.
     *
     * @param clock the tick schedule
     * @return this assembly
     */
    public NodeAssembly clock(TickClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Sets how long the node waits for a peer's response; 5 s by default.
     *
     * @param timeout the request timeout, positive
     * @return this assembly
     */
    public NodeAssembly requestTimeout(Duration timeout) {
        this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Sets what observes the node; nothing by default.
     *
     * @param listener the listener
     * @return this assembly
     */
    public NodeAssembly listener(NodeListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Sets where the node's signing record lives: a small file naming the store the node signs with and the instances
     * it opened, also kept in the store itself, so that a store that lost what the node signed is noticed before
     * the node signs anything (see {@link #acceptLostStore}). By default it is {@value #SIGNING_RECORD} in the
     * {@linkplain #storageDir storage directory} of a durable storage plugin; put it on another path than the store
     * (another directory, another disk) so that it survives losing the store's directory. A store handed in open is
     * guarded only if this is set.
     *
     * @param file the record file
     * @return this assembly
     */
    public NodeAssembly signingRecord(Path file) {
        this.signingRecord = Objects.requireNonNull(file, "file");
        return this;
    }

    /**
     * Tells the assembly of instances this member took part in before, as the embedder knows from records of its own
     * (the {@code node} command's decision journal, say): if the store is empty and the signing record is gone too,
     * the store counts as lost and these instances as ones the node may have signed in.
     *
     * @param instances the instances
     * @return this assembly
     */
    public NodeAssembly tookPartBefore(Set<InstanceId> instances) {
        this.tookPartBefore = Set.copyOf(instances);
        return this;
    }

    /**
     * Accepts, on an operator's word, that the node's store is lost. Without it, a node whose store lacks what its
     * signing record says it stored (the store deleted, replaced, not mounted, or restored from a copy older than the
     * node's last start) does not start: {@link #open()} throws a {@link StorageException} of kind {@link
     * StorageException.Kind#STATE_LOST}, since on that store it could sign messages contradicting ones it signed.
     * With it, the node starts on the store, and every instance the record lists (each one the node opened with the
     * lost store) is marked lost, durably: the node never runs it again ({@link
     * StorageException.Kind#MAY_HAVE_SIGNED}), and runs new instances as a full member.
     *
     * @param accept whether the loss is accepted
     * @return this assembly
     */
    public NodeAssembly acceptLostStore(boolean accept) {
        this.acceptLostStore = accept;
        return this;
    }

    /** {@return a copy of this assembly, for one member of a {@link LocalCluster}} */
    NodeAssembly copy() {
        NodeAssembly c = new NodeAssembly();
        c.decider = decider;
        c.transportProvider = transportProvider;
        c.openTransport = openTransport;
        c.storageProvider = storageProvider;
        c.openStorage = openStorage;
        c.storageDir = storageDir;
        c.crypto = crypto;
        c.instance = instance;
        c.committee = committee;
        c.key = key;
        c.listen = listen;
        c.peers = peers;
        c.limits = limits;
        c.wrap = wrap;
        c.application = application;
        c.seed = seed;
        c.options = options;
        c.clock = clock;
        c.requestTimeout = requestTimeout;
        c.listener = listener;
        c.signingRecord = signingRecord;
        c.tookPartBefore = tookPartBefore;
        c.acceptLostStore = acceptLostStore;
        return c;
    }

    /** {@return the decider plugin, or null if not set} */
    DeciderProvider deciderProvider() {
        return decider;
    }

    /** {@return the transport plugin, or null if not set or an open transport was handed in} */
    TransportProvider transportProvider() {
        return transportProvider;
    }

    /** {@return the storage plugin, or null if not set or an open store was handed in} */
    StorageProvider storageProvider() {
        return storageProvider;
    }

    /** {@return the crypto suite, or null if not set} */
    Crypto suite() {
        return crypto;
    }

    /** {@return the transport's limits} */
    TransportLimits limits() {
        return limits;
    }

    /**
     * Opens the parts and starts the node: {@code open().start()}.
     *
     * @return the running node
     * @throws IllegalStateException if a required setting is missing
     * @throws StorageException if the store cannot be opened, lost what this node signed (kind {@code STATE_LOST}),
     *     the node may have signed in the instance with a store it lost ({@code MAY_HAVE_SIGNED}), or the Decider
     *     cannot load what it holds
     * @throws dev.bftkit.api.TransportException if the transport cannot listen
     */
    public Node start() {
        return open().start();
    }

    /**
     * Opens the storage and the transport and creates the Decider, which reloads what the storage holds, without
     * starting the node; {@link Opened#start()} starts it. If a step fails, the parts opened before it are closed.
     *
     * @return the opened parts
     * @throws IllegalStateException if a required setting is missing
     * @throws StorageException if the store cannot be opened, lost what this node signed (kind {@code STATE_LOST}),
     *     the node may have signed in the instance with a store it lost ({@code MAY_HAVE_SIGNED}), or the Decider
     *     cannot load what it holds
     * @throws dev.bftkit.api.TransportException if the transport cannot listen
     */
    public Opened open() {
        checkComplete();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Storage storage = openStorage != null ? openStorage : track(opened, openStorage());
            guard(storage);
            Transport transport = wrap.apply(openTransport != null ? openTransport : track(opened, openTransport()));
            Decider created = createDecider(storage);
            NodeConfig config = NodeConfig.of(created, storage, transport).withClock(clock)
                    .withRequestTimeout(requestTimeout).withListener(listener)
                    .withCloseTransport(openTransport == null).withCloseStorage(openStorage == null);
            return new Opened(config, opened);
        } catch (RuntimeException e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private void checkComplete() {
        List<String> missing = new ArrayList<>();
        missingIf(decider == null, "decider", missing);
        missingIf(openTransport == null && transportProvider == null, "transport", missing);
        missingIf(openStorage == null && storageProvider == null, "storage", missing);
        missingIf(crypto == null, "crypto", missing);
        missingIf(instance == null, "instance", missing);
        missingIf(committee == null, "committee", missing);
        missingIf(key == null, "key", missing);
        missingIf(transportProvider != null && listen == null, "listen", missing);
        missingIf(storageProvider != null && storageProvider.durable() && storageDir == null, "storageDir", missing);
        missingIf(application == null, "propose or application", missing);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("NodeAssembly: set " + String.join(", ", missing) + " before opening");
        }
    }

    private static void missingIf(boolean absent, String what, List<String> missing) {
        if (absent) {
            missing.add(what);
        }
    }

    private Storage openStorage() {
        if (storageDir != null) {
            try {
                Files.createDirectories(storageDir);
            } catch (IOException e) {
                throw new StorageException("cannot create the storage directory " + storageDir + ": "
                        + e.getMessage(), e);
            }
        }
        try {
            return storageProvider.open(new StorageConfig(storageDir, Map.of()));
        } catch (StorageException e) {
            throw new StorageException("cannot open " + storageProvider.name() + " storage in " + storageDir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Refuses a store that lost what this node signed, and lists the instance before its Decider exists. */
    private void guard(Storage storage) {
        Path file = signingRecord;
        if (file == null && openStorage == null && storageProvider.durable() && storageDir != null) {
            file = storageDir.resolve(SIGNING_RECORD);
        }
        if (file != null) {
            LostStoreGuard.check(storage, file, key.publicKey().nodeId(), instance, tookPartBefore, acceptLostStore);
        }
    }

    private Transport openTransport() {
        NodeId self = key.publicKey().nodeId();
        return transportProvider.open(new TransportConfig(self, key, crypto, listen, peers, limits));
    }

    private Decider createDecider(Storage storage) {
        NodeId self = key.publicKey().nodeId();
        long s = seed != null ? seed : SeededRandom.seedOf(Bytes.concat(instance.bytes(), self.bytes()));
        try {
            return decider.create(new DeciderConfig(instance, committee, key, crypto, storage, application, s,
                    options));
        } catch (StorageException e) {
            throw new StorageException("cannot load instance " + instance + " from storage: " + e.getMessage(), e);
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T part) {
        opened.add(part);
        return part;
    }

    private static void closeAll(List<AutoCloseable> opened, RuntimeException failure) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
        opened.clear();
    }

    /**
     * A node's parts, opened, and its Decider, created: not started yet. {@link #start()} starts the node, which then
     * owns the parts the assembly opened; {@link #close()} closes them instead.
     */
    public static final class Opened implements AutoCloseable {
        private final NodeConfig config;
        private final List<AutoCloseable> opened;
        private boolean done;

        private Opened(NodeConfig config, List<AutoCloseable> opened) {
            this.config = config;
            this.opened = opened;
        }

        /**
         * {@return the Decider, for listeners that read it on the node's thread (its tick, its graph); the node
         * becomes its only caller once started}
         */
        public Decider decider() {
            return config.decider();
        }

        /**
         * Starts the node.
         *
         * @return the running node
         * @throws IllegalStateException if it was started or closed already
         */
        public synchronized Node start() {
            if (done) {
                throw new IllegalStateException("already started or closed");
            }
            done = true;
            return Node.start(config);
        }

        /** Closes the Decider and what the assembly opened, unless the node was started (then close the node). */
        @Override
        public synchronized void close() {
            if (done) {
                return;
            }
            done = true;
            config.decider().close();
            RuntimeException failure = new IllegalStateException("closing a node's parts failed");
            closeAll(opened, failure);
            if (failure.getSuppressed().length > 0) {
                throw failure;
            }
        }
    }
}
