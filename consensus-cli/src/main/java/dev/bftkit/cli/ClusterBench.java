package dev.bftkit.cli;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeConfig;
import dev.bftkit.runtime.TickClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A committee of real nodes in one JVM, for measuring decision latency: the {@code vertx} transport on 127.0.0.1
 * (ports found free when it opens), {@code bc} keys and the chosen storage, each node's under a temporary directory
 * that {@link #close()} deletes. {@code consensus bench cluster} and the benchmarks module's {@code ClusterLatency}
 * both measure through it.
 *
 * <p>A measurement opens {@link Parts} (a store and a transport per node) and decides instances on them, each
 * instance a new one: {@link #decide} times from a given start to the moment the last node decided.
 */
public final class ClusterBench implements AutoCloseable {
    /** The tick clock of the measurements: 5 ms first tick, growing by 1.05, at most 1 s. */
    public static final TickClock CLOCK = new TickClock(Duration.ofMillis(5), 1.05, Duration.ofSeconds(1));

    private final DeciderProvider decider;
    private final StorageProvider storage;
    private final Crypto crypto;
    private final LoopbackNetwork net;
    private final Committee committee;
    private final Path root;
    private final Duration timeout;
    private final Map<String, String> options;

    private ClusterBench(DeciderProvider decider, StorageProvider storage, int nodes, Duration timeout,
                         Map<String, String> options) throws IOException {
        this.decider = decider;
        this.options = Map.copyOf(options);
        this.storage = storage;
        this.timeout = timeout;
        this.crypto = Plugins.crypto("bc").create();
        this.root = Files.createTempDirectory("bftkit-bench-");
        this.net = LoopbackNetwork.create(crypto, nodes, 7);
        this.committee = Committee.equalWeights(net.ids());
    }

    /**
     * Creates the committee's keys and a temporary directory; opens nothing yet.
     *
     * @param decider the decider plugin's name
     * @param storage the storage plugin's name, or the kit's {@code memory} test double's (the nodes run in this
     *     JVM for a measurement, so the double is accepted here, never by a production node)
     * @param nodes the committee size, at least 1
     * @param timeout how long one decision may take
     * @param options the decider's options
     * @return the bench
     * @throws IOException if the temporary directory cannot be made
     * @throws dev.bftkit.api.ConfigurationException if a plugin is unknown
     */
    public static ClusterBench create(String decider, String storage, int nodes, Duration timeout,
                                      Map<String, String> options) throws IOException {
        return new ClusterBench(Plugins.decider(decider), Plugins.storage(storage, Doubles.storageProviders()), nodes,
                timeout, options);
    }

    /** {@return the committee size} */
    public int nodes() {
        return net.size();
    }

    /** {@return the temporary directory under which the stores live until {@link #close()}} */
    public Path root() {
        return root;
    }

    /**
     * Opens a fresh store (in a directory of its own) and a transport for every node.
     *
     * @param name names the stores' directories, unique per call
     * @return the parts
     * @throws IOException if a directory cannot be made
     */
    public Parts open(String name) throws IOException {
        List<Storage> stores = new ArrayList<>();
        for (int i = 0; i < nodes(); i++) {
            stores.add(storage.open(StorageConfig.at(Files.createDirectories(root.resolve(name + "-" + i)))));
        }
        return new Parts(stores, net.openAll(Plugins.transport("vertx"), TransportLimits.DEFAULT));
    }

    /**
     * Starts a node per member on a new instance of the given parts, each proposing (and, for a decider of
     * submitted values, submitting) its own value, and waits until every node decided; then closes the nodes,
     * not the parts.
     *
     * @param parts the stores and transports
     * @param instance the instance's name, new for these parts
     * @param startNanos when the timed span began ({@link System#nanoTime()})
     * @return milliseconds from {@code startNanos} to the last node's first decision
     * @throws TimeoutException if the nodes did not all decide within the bench's timeout
     * @throws ExecutionException if a node failed
     * @throws InterruptedException if interrupted while waiting
     */
    public double decide(Parts parts, String instance, long startNanos)
            throws TimeoutException, ExecutionException, InterruptedException {
        InstanceId id = InstanceId.of("bench-" + instance);
        boolean submits = decider.capabilities().contains(DeciderProvider.Capability.DECIDES_SUBMITTED_VALUES);
        List<Node> nodes = new ArrayList<>();
        List<CompletableFuture<Decision>> decided = new ArrayList<>();
        try {
            for (int i = 0; i < nodes(); i++) {
                byte[] value = (instance + " from " + i).getBytes(StandardCharsets.UTF_8);
                var d = decider.create(new DeciderConfig(id, committee, net.key(i), crypto, parts.stores.get(i),
                        Application.proposing(value), i, options));
                Node node = Node.start(NodeConfig.of(d, parts.stores.get(i), parts.transports.get(i)).withClock(CLOCK)
                        .withRequestTimeout(Duration.ofSeconds(1)).withCloseTransport(false));
                nodes.add(node);
                if (submits) {
                    node.submit(value);
                }
                decided.add(node.decide());
            }
            CompletableFuture.allOf(decided.toArray(new CompletableFuture<?>[0]))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return (System.nanoTime() - startNanos) / 1e6;
        } finally {
            nodes.forEach(Node::close);
        }
    }

    /** Closes every transport and deletes the temporary directory. */
    @Override
    public void close() {
        net.close();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** A store and a transport per node, closed together. */
    public static final class Parts implements AutoCloseable {
        private final List<Storage> stores;
        private final List<Transport> transports;

        private Parts(List<Storage> stores, List<Transport> transports) {
            this.stores = stores;
            this.transports = transports;
        }

        /** Closes the transports, then the stores. */
        @Override
        public void close() {
            transports.forEach(Transport::close);
            stores.forEach(Storage::close);
        }
    }

    /**
     * Order statistics of latencies, as every latency figure in docs/BENCHMARKS.md takes them: the median is the
     * element at index n/2 of the sorted values, p90 the one at index ⌊0.9 n⌋.
     *
     * @param count how many values
     * @param median the median
     * @param p90 the 90th percentile
     * @param min the least
     * @param max the greatest
     */
    public record Stats(int count, double median, double p90, double min, double max) {
        /**
         * @param values at least one value; not changed
         * @return their statistics
         */
        public static Stats of(double[] values) {
            double[] v = values.clone();
            Arrays.sort(v);
            int n = v.length;
            return new Stats(n, v[n / 2], v[(int) (n * 0.9)], v[0], v[n - 1]);
        }
    }
}
