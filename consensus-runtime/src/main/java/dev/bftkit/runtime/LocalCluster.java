package dev.bftkit.runtime;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A committee of real nodes in this JVM, on 127.0.0.1, for tests, demonstrations and measurements: n members with
 * keys drawn from a seed and equal weights, each with a store of its own (in a temporary directory that
 * {@link #close()} deletes) and a transport on a loopback port found free when the cluster opens. The plugins and the
 * settings every member shares come in a {@link NodeAssembly}, so each member's node is assembled as any other node
 * is.
 *
 * <p>The stores and transports stay open while the cluster is, as in a running committee; each {@link #decide} starts
 * a node per member on a new instance over them, waits until every node decided, and closes the nodes.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly()
 *         .decider("streamlette").transport("vertx").storage("mapdb").crypto("bc"), 4, 7)) {
 *     LocalCluster.Round round = cluster.decide(InstanceId.of("block-1"), Duration.ofMinutes(1));
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {
    /**
     * A tick clock for nodes on one machine, where a round trip takes well under a millisecond: 5 ms first tick,
     * growing by 1.05, at most 1 s.
     */
    public static final TickClock CLOCK = new TickClock(Duration.ofMillis(5), 1.05, Duration.ofSeconds(1));

    /** How long a node of a local cluster waits for a peer's response. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    /** Ports are found free a moment before a transport binds them, so another process may take one: retry. */
    private static final int OPEN_ATTEMPTS = 3;

    private final NodeAssembly plugins;
    private final List<SigningKey> keys;
    private final Committee committee;
    private final Path root;
    private final List<Storage> stores = new ArrayList<>();
    private final List<Transport> transports = new ArrayList<>();

    private LocalCluster(NodeAssembly plugins, List<SigningKey> keys, Path root) {
        this.plugins = plugins;
        this.keys = keys;
        this.root = root;
        List<NodeId> ids = new ArrayList<>();
        keys.forEach(k -> ids.add(k.publicKey().nodeId()));
        this.committee = Committee.equalWeights(ids);
    }

    /**
     * {@return a new assembly with the clock ({@link #CLOCK}) and request timeout ({@link #REQUEST_TIMEOUT}) of a
     * local cluster, for {@link #open}; set its plugins}
     */
    public static NodeAssembly assembly() {
        return new NodeAssembly().clock(CLOCK).requestTimeout(REQUEST_TIMEOUT);
    }

    /**
     * Opens a store and a transport for every member.
     *
     * @param plugins the decider, transport, storage and crypto plugins (by name or provider) and what every member
     *     shares: options, clock, request timeout, transport limits, listener; not changed
     * @param nodes the committee size, at least 1
     * @param seed derives the members' keys
     * @return the open cluster
     * @throws IllegalArgumentException if {@code nodes} is less than 1
     * @throws IllegalStateException if the assembly lacks a plugin, or its transport or storage is an open instance
     *     rather than a plugin
     * @throws dev.bftkit.api.StorageException if a store cannot be opened
     * @throws TransportException if the transports could not bind, three times
     * @throws UncheckedIOException if the temporary directory cannot be made
     */
    public static LocalCluster open(NodeAssembly plugins, int nodes, long seed) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one member");
        }
        NodeAssembly template = plugins.copy();
        if (template.deciderProvider() == null || template.suite() == null || template.transportProvider() == null
                || template.storageProvider() == null) {
            throw new IllegalStateException("LocalCluster: the assembly needs a decider, transport, storage and crypto "
                    + "plugin (an open transport or store cannot serve several members)");
        }
        Path root;
        try {
            root = Files.createTempDirectory("bftkit-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        LocalCluster cluster = new LocalCluster(template, keys(template.suite(), nodes, seed), root);
        try {
            cluster.openStores();
            cluster.openTransports();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Keys drawn from a seed: the same seed gives the same keys on every machine.
     *
     * @param crypto the suite
     * @param count how many
     * @param seed the seed
     * @return the keys
     */
    public static List<SigningKey> keys(Crypto crypto, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SigningKey> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] seedBytes = new byte[crypto.seedLength()];
            random.nextBytes(seedBytes);
            out.add(crypto.keyFromSeed(seedBytes));
        }
        return List.copyOf(out);
    }

    /**
     * {@return an address on 127.0.0.1 whose port was free a moment ago}
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public static InetSocketAddress freeLoopbackAddress() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    private void openStores() {
        StorageProvider provider = plugins.storageProvider();
        for (int i = 0; i < size(); i++) {
            Path dir = root.resolve("node-" + i);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + dir, e);
            }
            stores.add(provider.open(StorageConfig.at(dir)));
        }
    }

    private void openTransports() {
        TransportException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < size(); i++) {
                addresses.add(freeLoopbackAddress());
            }
            try {
                for (int i = 0; i < size(); i++) {
                    transports.add(openTransport(i, addresses));
                }
                return;
            } catch (TransportException e) {
                last = e;
                transports.forEach(Transport::close);
                transports.clear();
            }
        }
        throw last;
    }

    private Transport openTransport(int i, List<InetSocketAddress> addresses) {
        Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>();
        for (int j = 0; j < size(); j++) {
            if (j != i) {
                peers.put(id(j), addresses.get(j));
            }
        }
        TransportProvider provider = plugins.transportProvider();
        return provider.open(new TransportConfig(id(i), keys.get(i), plugins.suite(), addresses.get(i), peers,
                plugins.limits()));
    }

    /** {@return the number of members} */
    public int size() {
        return keys.size();
    }

    /** {@return the committee: every member, with equal weights} */
    public Committee committee() {
        return committee;
    }

    /**
     * {@return member {@code i}'s node id}
     *
     * @param i a member index, 0 to {@link #size()} − 1
     */
    public NodeId id(int i) {
        return keys.get(i).publicKey().nodeId();
    }

    /**
     * Decides one new instance: starts a node per member on the open stores and transports, each proposing its own
     * value ({@code "INSTANCE from I"}) and, for an algorithm that decides submitted values, submitting it; waits
     * until every node decided; then closes the nodes, not the stores or transports.
     *
     * @param instance the instance, new for this cluster
     * @param timeout how long every node may take to decide
     * @return each member's first decision and when the last one came
     * @throws TimeoutException if not every node decided in time
     * @throws ExecutionException if a node failed (a broken fault assumption, a failed write)
     * @throws InterruptedException if interrupted while waiting
     */
    public Round decide(InstanceId instance, Duration timeout)
            throws TimeoutException, ExecutionException, InterruptedException {
        Objects.requireNonNull(instance, "instance");
        DeciderProvider decider = plugins.deciderProvider();
        boolean submits = decider.capabilities().contains(DeciderProvider.Capability.DECIDES_SUBMITTED_VALUES);
        List<Node> nodes = new ArrayList<>();
        List<CompletableFuture<Decision>> decided = new ArrayList<>();
        try {
            for (int i = 0; i < size(); i++) {
                byte[] value = (instance + " from " + i).getBytes(StandardCharsets.UTF_8);
                Node node = member(i).instance(instance).propose(value).start();
                nodes.add(node);
                if (submits) {
                    node.submit(value);
                }
                decided.add(node.decide());
            }
            CompletableFuture.allOf(decided.toArray(new CompletableFuture<?>[0]))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long last = System.nanoTime();
            List<Decision> decisions = new ArrayList<>();
            for (CompletableFuture<Decision> d : decided) {
                decisions.add(d.join());
            }
            return new Round(List.copyOf(decisions), last);
        } finally {
            nodes.forEach(Node::close);
        }
    }

    /**
     * {@return member {@code i}'s assembly, a copy: the shared plugins and settings over its own key, store and
     * transport; set the instance (and anything else) and start it. The node it starts does not close the store or
     * the transport: the cluster does}
     *
     * @param i the member's index, 0 to {@link #size()} - 1
     */
    public NodeAssembly member(int i) {
        return plugins.copy().committee(committee).key(keys.get(i)).storage(stores.get(i))
                .transport(transports.get(i));
    }

    /** Closes every transport, then every store, and deletes the temporary directory. */
    @Override
    public void close() {
        transports.forEach(Transport::close);
        transports.clear();
        stores.forEach(Storage::close);
        stores.clear();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /**
     * One decided instance.
     *
     * @param decisions each member's first decision, by member index
     * @param decidedNanos {@link System#nanoTime()} once every member had decided
     */
    public record Round(List<Decision> decisions, long decidedNanos) {
        /**
         * Copies the decisions.
         *
         * @param decisions each member's first decision, by member index
         * @param decidedNanos {@link System#nanoTime()} once every member had decided
         */
        public Round {
            decisions = List.copyOf(decisions);
        }

        /**
         * {@return milliseconds from {@code startNanos} to the moment every member had decided}
         *
         * @param startNanos when the timed span began ({@link System#nanoTime()})
         */
        public double millisSince(long startNanos) {
            return (decidedNanos - startNanos) / 1e6;
        }
    }
}
