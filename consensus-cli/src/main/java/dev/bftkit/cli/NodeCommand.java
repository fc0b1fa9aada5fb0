package dev.bftkit.cli;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import dev.bftkit.runtime.NodeListener;
import dev.bftkit.runtime.TickClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus node}: one real node from a config file, on the configured transport, storage and crypto; prints
 * decisions as they happen and stops cleanly on Ctrl-C.
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one node of a committee from a config file (docs/CLI.md): its key, the members' public "
            + "keys, addresses and weights, the plugins, its data directory. Prints each decision as it happens; "
            + "Ctrl-C stops it cleanly. A restarted node reloads its votes from storage and repeats its decision."},
        footer = {"", "Exit codes: 0 stopped cleanly, 1 the run failed (storage, address in use, a changed "
            + "decision, a broken fault assumption, a lost store), 2 bad arguments or config."})
final class NodeCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(NodeCommand.class.getName());

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "The node's config file.")
    Path config;

    @Option(names = "--instance", paramLabel = "NAME", description = "Decide this instance instead of the config's.")
    String instance;

    @Option(names = "--propose", paramLabel = "VALUE",
            description = "Propose (and submit) this value instead of the config's; repeatable. Without it, a node "
                    + "whose storage is not durable proposes its earlier decision again.")
    List<String> propose = new ArrayList<>();

    @Option(names = "--exit-after", paramLabel = "N",
            description = "Stop cleanly once N decisions are seen, counting those restored from storage "
                    + "(default: run until Ctrl-C).")
    Integer exitAfter;

    @Option(names = "--graphs", paramLabel = "DIR", description = "Write the node's graph at each decision as DOT "
            + "(and SVG when Graphviz 'dot' is on the PATH) into DIR.")
    Path graphs;

    @Option(names = "--json", description = "Print one JSON object per event (started, unreachable, reachable, "
            + "decided, stopped) instead of text.")
    boolean json;

    @Option(names = "--i-lost-my-store", description = "Accept that this node's store is lost (deleted, replaced, "
            + "restored from an older copy): it then starts on the store it finds, never takes part again in an "
            + "instance it may have voted in, and takes part in new ones. Without it such a node refuses to start.")
    boolean lostStore;

    NodeCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (exitAfter != null && exitAfter < 1) {
            throw CliException.usage("--exit-after must be at least 1");
        }
        NodeFile cfg = NodeFile.read(config);
        Crypto crypto = NodePlugins.crypto(cfg.crypto()).create();
        KeyFile key = KeyFile.read(cfg.key());
        if (!key.crypto().equals(cfg.crypto())) {
            throw CliException.usage(cfg.file() + ": crypto is '" + cfg.crypto() + "' but the key file " + cfg.key()
                    + " holds a '" + key.crypto() + "' key");
        }
        String instanceName = instance != null ? instance : cfg.instance();
        NodeId self = key.key().publicKey().nodeId();
        Membership members = Membership.of(cfg, self, crypto);
        Events events = new Events(spec.commandLine().getOut(), spec.commandLine().getErr(), json, self);
        StorageProvider storageProvider = NodePlugins.storage(cfg.storage());
        boolean ownDefaultValue = propose.isEmpty() && cfg.propose().isEmpty();
        List<String> values = !ownDefaultValue ? (!propose.isEmpty() ? propose : cfg.propose())
                : List.of("value from " + self);
        supermajorityWarning(cfg.decider(), cfg.options(), cfg.members().size(), ownDefaultValue)
                .ifPresent(events::warning);
        Journal journal = Journal.open(cfg.data(), instanceName);
        byte[] proposal = proposal(values, storageProvider, journal, events);
        InetSocketAddress bind = cfg.listen() != null ? cfg.listen() : members.own();
        NodeAssembly assembly = new NodeAssembly().decider(cfg.decider()).transport(cfg.transport())
                .storage(storageProvider).crypto(crypto).instance(instanceId(instanceName))
                .committee(members.committee()).key(key.key()).listen(bind).peers(members.peers())
                .storageDir(cfg.data().resolve("storage")).signingRecord(cfg.data().resolve("signing-record"))
                .tookPartBefore(journal.earlier().isEmpty() ? Set.of() : Set.of(instanceId(instanceName)))
                .acceptLostStore(lostStore).propose(proposal).options(cfg.options())
                .clock(new TickClock(Duration.ofMillis(cfg.tickStartMs()), cfg.tickGrowth(),
                        Duration.ofMillis(cfg.tickMaxMs())))
                .requestTimeout(Duration.ofMillis(cfg.requestTimeoutMs()))
                .wrapTransport(t -> watched(t, events, members.peers()));
        Optional<Graphs> graphWriter = Optional.ofNullable(graphs).map(Graphs::in);
        Run run = new Run(events, journal, exitAfter == null ? Integer.MAX_VALUE : exitAfter);
        assembly.listener(run.listener(graphWriter));
        run.until(() -> {
            run.open(open(assembly, bind, instanceName));
            events.started(cfg, instanceName, members.committee(), bind, storageProvider, journal.earlier());
            run.start(values);
        });
        graphWriter.ifPresent(Graphs::renderSvg);
        if (run.failure != null) {
            throw CliException.failure(run.failure);
        }
        return ExitCodes.OK;
    }

    /** The committee from the config file, this node's address in it, and the other members' addresses. */
    private record Membership(Committee committee, InetSocketAddress own, Map<NodeId, InetSocketAddress> peers) {
        static Membership of(NodeFile cfg, NodeId self, Crypto crypto) {
            Map<NodeId, Long> weights = new LinkedHashMap<>();
            Map<NodeId, InetSocketAddress> peers = new TreeMap<>();
            InetSocketAddress own = null;
            for (NodeFile.Member m : cfg.members()) {
                weights.put(m.id(), m.weight());
                if (m.id().equals(self)) {
                    own = m.address();
                } else {
                    peers.put(m.id(), m.address());
                }
            }
            if (own == null) {
                throw CliException.usage(cfg.file() + ": this node's key " + cfg.key() + " (node id " + self
                        + ") is not a member of the committee");
            }
            for (NodeId id : weights.keySet()) {
                if (crypto.decodePublicKey(id.bytes()).isEmpty()) {
                    throw CliException.usage(cfg.file() + ": member " + id.toHex() + " is not a valid "
                            + cfg.crypto() + " public key");
                }
            }
            try {
                return new Membership(Committee.of(weights), own, peers);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(cfg.file() + ": " + e.getMessage());
            }
        }
    }

    /**
     * What this node proposes: the first value, or, when its storage kept none of its votes and it was given no
     * value, the decision its journal recorded earlier.
     */
    private byte[] proposal(List<String> values, StorageProvider storage, Journal journal, Events events) {
        if (!storage.durable() && !journal.earlier().isEmpty() && propose.isEmpty()) {
            events.warning(storage.name() + " storage kept none of this node's votes, so it proposes its "
                    + "earlier decision again (the journal checks what is decided)");
            return journal.earlier().get(0);
        }
        return values.get(0).getBytes(StandardCharsets.UTF_8);
    }

    private static Transport watched(Transport transport, Events events, Map<NodeId, InetSocketAddress> peers) {
        return new WatchedTransport(transport, new WatchedTransport.Watcher() {
            @Override
            public void unreachable(NodeId peer, TransportException error) {
                events.unreachable(peer, peers.get(peer), error);
            }

            @Override
            public void reachable(NodeId peer) {
                events.reachable(peer, peers.get(peer));
            }
        });
    }

    /** Opens the storage and the transport and loads the instance, each failure as the CLI reports it. */
    private static NodeAssembly.Opened open(NodeAssembly assembly, InetSocketAddress bind, String instanceName) {
        try {
            return assembly.open();
        } catch (TransportException e) {
            throw transportFailed(bind, e);
        } catch (StorageException e) {
            throw CliException.failure(e.getMessage() + switch (e.kind()) {
                case STATE_LOST -> ". If the store is truly gone, run again with --i-lost-my-store: the node then "
                        + "never takes part again in an instance it may have voted in, and takes part in new ones";
                case MAY_HAVE_SIGNED -> "; run it on a new instance (--instance NAME)";
                case FAILED -> "";
            }, e);
        }
    }

    /**
     * The transport did not open. Binding the address is only one step of that (a transport may also fail to start
     * its threads, or its start may be interrupted), so the message names the transport and the address, and the
     * transport's own message says which step failed.
     */
    static CliException transportFailed(InetSocketAddress bind, TransportException e) {
        return CliException.failure("cannot open the transport on " + NodeFile.hostPort(bind) + ": " + e.getMessage(),
                e);
    }

    /**
     * A warning for a PARSEC committee in its default Supermajority mode whose members each propose the default
     * value of their own ("value from ID"): no value then gets more than two thirds of the members, and nothing is
     * ever decided.
     */
    static Optional<String> supermajorityWarning(String decider, Map<String, String> options, int members,
            boolean ownDefaultValue) {
        if (!decider.equals("parsec") || members < 2 || !ownDefaultValue
                || options.getOrDefault("parsec.mode", "supermajority").equals("single")) {
            return Optional.empty();
        }
        return Optional.of("parsec in Supermajority mode decides a value only once more than 2/3 of the members "
                + "submit it, and this node proposes a value of its own ('value from ID'): set "
                + "'option.parsec.mode = single' to decide every member's values, or give the members one "
                + "--propose value");
    }

    static InstanceId instanceId(String name) {
        try {
            return InstanceId.of(name);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("instance '" + name + "': " + e.getMessage());
        }
    }

    /** The running node and how it ends. */
    private static final class Run {
        final Events events;
        final Journal journal;
        final int exitAfter;
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicInteger decisions = new AtomicInteger();
        final AtomicLong phases = new AtomicLong();
        volatile String failure;
        private NodeAssembly.Opened opened;
        private volatile Decider decider;
        private Node node;
        private boolean stopped;
        private long startNanos;

        Run(Events events, Journal journal, int exitAfter) {
            this.events = events;
            this.journal = journal;
            this.exitAfter = exitAfter;
        }

        /**
         * Runs {@code body} (which opens and starts the node), then waits until the node is done; stops it on the
         * way out, or from a shutdown hook on Ctrl-C.
         */
        void until(Runnable body) throws InterruptedException {
            Thread hook = new Thread(() -> stop("interrupted"), "consensus-node-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                body.run();
                done.await();
            } finally {
                stop(null);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: it stopped the node
                }
            }
        }

        synchronized void open(NodeAssembly.Opened parts) {
            this.opened = parts;
            this.decider = parts.decider();
        }

        /** Starts the node (unless it was stopped meanwhile) and submits the values. */
        void start(List<String> values) {
            Node n;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                startNanos = System.nanoTime();
                node = n = opened.start();
            }
            for (String v : values) {
                n.submit(v.getBytes(StandardCharsets.UTF_8));
            }
            n.decide().whenComplete((d, e) -> {
                if (e instanceof FatalConsensusException || e != null && e.getCause() instanceof FatalConsensusException) {
                    fail("the fault assumption is broken: " + (e.getCause() != null ? e.getCause() : e)
                            .getMessage());
                }
            });
        }

        NodeListener listener(Optional<Graphs> graphs) {
            return new NodeListener() {
                private long tick;

                @Override
                public void onPhase(long t, int phase, long phaseNanos) {
                    tick = t;
                    phases.incrementAndGet();
                }

                @Override
                public void onDecision(Decision d) {
                    long ms = (System.nanoTime() - startNanos) / 1_000_000;
                    boolean restored = phases.get() == 0;
                    Journal.Match match = journal.record(d);
                    graphs.ifPresent(g -> g.write("node-" + events.self() + "-" + journal.name() + "-decision-"
                            + d.position(), decider instanceof GraphView v ? v.toDot() : "digraph {\n}\n"));
                    events.decided(d, restored ? decider.currentTick() : tick, ms, restored, match);
                    if (match == Journal.Match.DIFFERENT) {
                        fail("decision #" + d.position() + " differs from the one recorded earlier in "
                                + journal.file());
                    } else if (decisions.incrementAndGet() >= exitAfter) {
                        done.countDown();
                    }
                }

                @Override
                public void onRejected(NodeId peer, RuntimeException error) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "rejected from " + peer + ": " + error.getMessage());
                }
            };
        }

        void fail(String why) {
            failure = why;
            done.countDown();
        }

        /**
         * Stops the node, which closes its transport and storage (or closes the parts opened for a node that never
         * started), once; from the main thread or the shutdown hook.
         */
        synchronized void stop(String reason) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (node != null) {
                node.close();
                events.stopped(reason != null ? reason : failure != null ? "failed" : "done", decisions.get());
            } else if (opened != null) {
                opened.close();
            }
            done.countDown();
        }
    }
}
