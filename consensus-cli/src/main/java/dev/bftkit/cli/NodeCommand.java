package dev.bftkit.cli;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.log.ReplicatedLog;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
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

    @Option(names = "--seconds", paramLabel = "S",
            description = "With --log: stop cleanly after S seconds (default: run until Ctrl-C).")
    Integer seconds;

    @CommandLine.Mixin
    LogFlags log = new LogFlags();

    NodeCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        log.check(spec, List.of("--seconds"), List.of("--propose", "--exit-after", "--graphs"));
        LogFlags.checkSeconds(seconds);
        if (exitAfter != null && exitAfter < 1) {
            throw CliException.usage("--exit-after must be at least 1");
        }
        Setup s = setup();
        String failure = log.on ? runLog(s) : decide(s);
        if (failure != null) {
            throw CliException.failure(failure);
        }
        return ExitCodes.OK;
    }

    /**
     * What both modes start from: the config, the key, the committee, where to listen, the storage plugin, and the
     * instance to run.
     */
    private record Setup(NodeFile cfg, Crypto crypto, KeyFile key, String instance, Membership members,
                         Events events, StorageProvider storage, InetSocketAddress bind) {
    }

    private Setup setup() {
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
        InetSocketAddress bind = cfg.listen() != null ? cfg.listen() : members.own();
        return new Setup(cfg, crypto, key, instanceName, members, events, storageProvider, bind);
    }

    /**
     * The node's parts and settings, the same in both modes: everything but the decider and what it proposes.
     *
     * @param maxTickMs the clock's longest tick
     */
    private NodeAssembly assembly(Setup s, Set<InstanceId> tookPartBefore, long maxTickMs) {
        NodeFile cfg = s.cfg();
        return new NodeAssembly().transport(cfg.transport()).storage(s.storage()).crypto(s.crypto())
                .instance(instanceId(s.instance())).committee(s.members().committee()).key(s.key().key())
                .listen(s.bind()).peers(s.members().peers())
                .storageDir(cfg.data().resolve("storage")).signingRecord(cfg.data().resolve("signing-record"))
                .tookPartBefore(tookPartBefore).acceptLostStore(lostStore).options(cfg.options())
                .clock(new TickClock(Duration.ofMillis(cfg.tickStartMs()), cfg.tickGrowth(),
                        Duration.ofMillis(maxTickMs)))
                .requestTimeout(Duration.ofMillis(cfg.requestTimeoutMs()))
                .wrapTransport(t -> watched(t, s.events(), s.members().peers()));
    }

    /** One decision: proposes, prints each decision, and checks it against the journal. */
    private String decide(Setup s) throws InterruptedException {
        NodeFile cfg = s.cfg();
        Events events = s.events();
        boolean ownDefaultValue = propose.isEmpty() && cfg.propose().isEmpty();
        List<String> values = !ownDefaultValue ? (!propose.isEmpty() ? propose : cfg.propose())
                : List.of("value from " + s.key().key().publicKey().nodeId());
        supermajorityWarning(cfg.decider(), cfg.options(), cfg.members().size(), ownDefaultValue)
                .ifPresent(events::warning);
        Journal journal = Journal.open(cfg.data(), s.instance());
        byte[] proposal = proposal(values, s.storage(), journal, events);
        NodeAssembly assembly = assembly(s, journal.earlier().isEmpty() ? Set.of()
                : Set.of(instanceId(s.instance())), cfg.tickMaxMs()).decider(cfg.decider()).propose(proposal);
        Optional<Graphs> graphWriter = Optional.ofNullable(graphs).map(Graphs::in);
        Run run = new Run(events, journal, exitAfter == null ? Integer.MAX_VALUE : exitAfter);
        assembly.listener(run.listener(graphWriter));
        run.life.until(() -> {
            run.open(opening(s.bind(), assembly::open));
            events.started(cfg, s.instance(), s.members().committee(), s.bind(), s.storage(), journal.earlier());
            run.start(values);
        });
        graphWriter.ifPresent(Graphs::renderSvg);
        return run.life.failure();
    }

    /**
     * Log mode: a member of a replicated log over the configured decider, with a workload, until {@code --seconds}
     * pass or Ctrl-C. It keeps no decision journal: the entries and their certificates are in its store, which it
     * reloads on a restart.
     */
    private String runLog(Setup s) throws InterruptedException {
        NodeFile cfg = s.cfg();
        long maxTick = Math.max(cfg.tickStartMs(), Math.min(cfg.tickMaxMs(), NodeLog.MAX_TICK_MS));
        NodeLog run = new NodeLog(s.events(), s.crypto(), log);
        NodeAssembly assembly = assembly(s, Set.of(), maxTick).decider(DeciderOptions.underLog(cfg.decider()))
                .application(Application.acceptAll()).listener(run.listener());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rate", log.rate());
        settings.put("valueBytes", log.valueBytes());
        settings.put("maxTickMs", maxTick);
        settings.put("seconds", seconds);
        return run.run(() -> opening(s.bind(), () -> ReplicatedLog.start(assembly)),
                () -> s.events().started(cfg, s.instance(), s.members().committee(), s.bind(), s.storage(),
                        List.of(), settings), seconds);
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

    /**
     * Opens the storage and the transport and loads the instance (and, for a log, starts it), each failure as the
     * CLI reports it.
     *
     * @param bind where the transport listens
     * @param step what opens them
     * @param <T> what it returns
     * @return what it returned
     */
    static <T> T opening(InetSocketAddress bind, Supplier<T> step) {
        try {
            return step.get();
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

    /** The running node of one decision: its decisions, checked against the journal. */
    private static final class Run {
        final Lifecycle life = new Lifecycle();
        final Events events;
        final Journal journal;
        final int exitAfter;
        final AtomicInteger decisions = new AtomicInteger();
        final AtomicLong phases = new AtomicLong();
        private volatile Decider decider;
        private NodeAssembly.Opened opened;
        private long startNanos;

        Run(Events events, Journal journal, int exitAfter) {
            this.events = events;
            this.journal = journal;
            this.exitAfter = exitAfter;
        }

        void open(NodeAssembly.Opened parts) {
            this.decider = parts.decider();
            this.opened = parts;
            life.hold(parts);
        }

        /** Starts the node (unless it was stopped meanwhile) and submits the values. */
        void start(List<String> values) {
            Node n = life.start(() -> {
                startNanos = System.nanoTime();
                return opened.start();
            }, reason -> events.stopped(reason, decisions.get()));
            if (n == null) {
                return;
            }
            for (String v : values) {
                n.submit(v.getBytes(StandardCharsets.UTF_8));
            }
            n.decide().whenComplete((d, e) -> life.failIfFatal(e));
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
                        life.fail("decision #" + d.position() + " differs from the one recorded earlier in "
                                + journal.file());
                    } else if (decisions.incrementAndGet() >= exitAfter) {
                        life.done();
                    }
                }

                @Override
                public void onRejected(NodeId peer, RuntimeException error) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "rejected from " + peer + ": " + error.getMessage());
                }
            };
        }
    }
}
