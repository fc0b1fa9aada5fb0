package dev.bftkit.cli;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus cluster}: a committee of real nodes on 127.0.0.1, one JVM process each ({@code consensus node}),
 * with keys, configs and data under one directory; shows decisions and latency as they happen, stops every process
 * cleanly, and resumes from the directory when run again.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a committee of real nodes on 127.0.0.1, each a separate JVM running 'consensus node' over "
            + "the vertx transport with bc keys and durable storage, all under DIR: keys and configs are created on "
            + "the first run and reused after, so running it again resumes from DIR (a decided instance repeats "
            + "its decision from storage). Every node proposes a value; the cluster shows each decision and its "
            + "latency, checks that the nodes agree, then stops every node cleanly (or, with --keep-running, "
            + "on Ctrl-C). With --log the nodes run a replicated log instead and append values for --seconds; "
            + "the cluster shows each node's progress and checks that every node's log is the same."},
        footer = {"", "Exit codes: 0 every node decided and they agree (with --log: every log holds an entry and "
            + "they agree), 1 a node failed, disagreed, changed an earlier decision or did not decide (with --log: "
            + "start) within --timeout, 2 bad arguments or DIR holds another cluster."})
final class ClusterCommand implements Callable<Integer> {
    /** The entry point each node process starts, named as text so this command does not refer back to its parent. */
    static final String NODE_MAIN = "dev.bftkit.cli/dev.bftkit.cli.Main";
    static final String DEFAULT_ALGORITHM = "streamlette";
    static final int DEFAULT_NODES = 4;
    static final int MAX_NODES = 64;
    static final int DEFAULT_LOG_SECONDS = 10;
    /**
     * The first tick of a new cluster made for a log: each entry is decided in a segment of its own, which starts at
     * the first tick and takes a few ticks.
     */
    static final long LOG_TICK_MS = 20;
    private static final long STOP_WAIT_SECONDS = 30;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Set<String> warned = new TreeSet<>();

    @Option(names = {"-a", "--algorithm"}, paramLabel = "NAME",
            description = "The decider plugin (default: " + DEFAULT_ALGORITHM + "; when reusing DIR: its own).")
    String algorithm;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N",
            description = "Committee size (default: " + DEFAULT_NODES + "; when reusing DIR: its own).")
    Integer nodes;

    @Option(names = {"-d", "--data"}, paramLabel = "DIR", required = true,
            description = "Where the keys, configs, logs and each node's storage live.")
    Path data;

    @Option(names = "--instance", paramLabel = "NAME",
            description = "The consensus instance to decide (default: demo; with --log: log); a new name is a new "
                    + "decision (or log) by the same committee.")
    String instance;

    @Option(names = {"-k", "--values"}, paramLabel = "K", defaultValue = "1",
            description = "Values each node proposes (ordered-stream deciders decide them all; default: "
                    + "${DEFAULT-VALUE}).")
    int values;

    @Option(names = "--tick-ms", paramLabel = "MS",
            description = "First tick's length, for a new DIR (default: 100; with --log: " + LOG_TICK_MS + ").")
    Long tickMs;

    @Option(names = "--growth", paramLabel = "FACTOR",
            description = "Tick growth factor, for a new DIR (default: 1.05).")
    Double growth;

    @Option(names = "--storage", paramLabel = "NAME",
            description = "The storage plugin, for a new DIR (default: mapdb).")
    String storage;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Give up if the nodes have not all decided by then (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--keep-running", description = "Keep the nodes running after they decide, until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--json", description = "Print one JSON object at the end instead of text as it happens.")
    boolean json;

    @CommandLine.Mixin
    LogFlags log = new LogFlags();

    @Option(names = "--seconds", paramLabel = "S", description = "With --log: how long the nodes append, once "
            + "every node started (default: " + DEFAULT_LOG_SECONDS + ").")
    Integer seconds;

    /** With --log: the nodes' logs as they report them. */
    private ClusterLog logs;

    ClusterCommand() {
    }

    /** One child node: its config, process and what it reported. */
    private static final class Child {
        final int index;
        final NodeFile config;
        final Path dir;
        Process process;
        long launchedNanos;
        final List<Map<String, Object>> decisions = new ArrayList<>();
        Map<String, Object> started;
        Integer exit;
        boolean stoppedCleanly;
        boolean outputEnded;

        Child(int index, Path dir, NodeFile config) {
            this.index = index;
            this.dir = dir;
            this.config = config;
        }
    }

    /** A line from a child, or its end (line null). */
    private record Line(int index, String line) {
    }

    @Override
    public Integer call() throws InterruptedException {
        checkFlags();
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null || modulePath.isBlank()) {
            throw CliException.usage("cluster starts its nodes on the module path it runs on, but this JVM has "
                    + "none: run it through ./consensus");
        }
        boolean created = !Files.exists(data.resolve("node-0").resolve("node.conf"));
        List<Child> children = created ? create() : reuse();
        String decider = children.get(0).config.decider();
        PrintWriter out = spec.commandLine().getOut();
        Goal goal = goal(children, decider, out);
        say(out, (created ? "created" : "reusing") + " a " + children.size() + "-node " + decider + " cluster in "
                + data + " · instance " + instance + " · each node is a JVM on 127.0.0.1" + (log.on ? " · a "
                + "replicated log, each node appending " + log.rate() + " values/s of " + log.valueBytes()
                + " bytes" : ""));
        BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
        PrintWriter err = spec.commandLine().getErr();
        Thread hook = new Thread(() -> {
            err.println("consensus: interrupted: stopping " + children.size() + " nodes");
            err.flush();
            stopAll(children);
            err.println("consensus: stopped " + children.stream().filter(c -> c.process != null
                    && !c.process.isAlive()).count() + " of " + children.size() + " nodes");
            err.flush();
        }, "consensus-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String failure = null;
        try {
            for (Child c : children) {
                launch(c, modulePath, lines);
            }
            failure = watch(children, lines, goal, out);
        } finally {
            stopAll(children);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs: it stops the children
            }
        }
        drain(children, lines, out);
        if (failure == null) {
            failure = log.on ? logs.check() : agreement(children);
        }
        report(children, created, failure, out);
        if (failure != null) {
            throw CliException.failure(failure);
        }
        return ExitCodes.OK;
    }

    private void checkFlags() {
        log.check(spec, List.of("--seconds"), List.of("--values", "--keep-running"));
        LogFlags.checkSeconds(seconds);
        if (values < 1 || values > 1000) {
            throw CliException.usage("--values must be 1 to 1000");
        }
        if (timeoutSeconds < 1) {
            throw CliException.usage("--timeout must be at least 1 second");
        }
        if (instance == null) {
            instance = log.on ? "log" : "demo";
        }
        NodeCommand.instanceId(instance);
    }

    /** What the cluster waits for: every node decided, or (with --log) the log's time is up. */
    private interface Goal {
        /** {@return whether it is reached} */
        boolean reached();

        /** {@return why the run failed for lack of time, or null} */
        String late();
    }

    private Goal goal(List<Child> children, String decider, PrintWriter out) {
        if (log.on) {
            logs = new ClusterLog(children.size(), log, seconds == null ? DEFAULT_LOG_SECONDS : seconds,
                    timeoutSeconds, data, line -> say(out, line));
            return new Goal() {
                @Override
                public boolean reached() {
                    return logs.over();
                }

                @Override
                public String late() {
                    return logs.late();
                }
            };
        }
        DeciderProvider provider = Plugins.decider(decider);
        int expected = provider.capabilities().contains(DeciderProvider.Capability.DECIDES_SUBMITTED_VALUES)
                ? children.size() * values : 1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        return new Goal() {
            @Override
            public boolean reached() {
                return children.stream().allMatch(c -> c.decisions.size() >= expected);
            }

            @Override
            public String late() {
                if (System.nanoTime() < deadline) {
                    return null;
                }
                List<Integer> slow = children.stream().filter(c -> c.decisions.size() < expected)
                        .map(c -> c.index).toList();
                return "node" + (slow.size() > 1 ? "s " : " ") + join(slow) + " did not decide within "
                        + timeoutSeconds + " s (see " + data.resolve("node-" + slow.get(0)).resolve("node.log")
                        + ")";
            }
        };
    }

    private List<Child> create() {
        int n = nodes == null ? DEFAULT_NODES : nodes;
        if (n < 1 || n > MAX_NODES) {
            throw CliException.usage("--nodes must be 1 to " + MAX_NODES + ", got " + n);
        }
        long tick = tickMs != null ? tickMs : log.on ? LOG_TICK_MS : 100;
        double g = growth == null ? 1.05 : growth;
        if (tick < 1 || tick > 3_600_000 || !(g >= 1 && g <= 10)) {
            throw CliException.usage("--tick-ms must be 1 to 3600000 and --growth from 1 to 10");
        }
        String alg = algorithm == null ? DEFAULT_ALGORITHM : algorithm;
        Plugins.decider(alg); // an unknown name fails before anything is written
        String store = storage == null ? "mapdb" : storage;
        NodePlugins.storage(store); // an unknown name or a test double fails before anything is written
        Crypto crypto = Plugins.crypto("bc").create();
        SecureRandom random = new SecureRandom();
        List<SigningKey> keys = new ArrayList<>();
        List<NodeFile.Member> members = new ArrayList<>();
        for (int port : freePorts(n)) {
            SigningKey k = crypto.generateKey(random);
            keys.add(k);
            members.add(new NodeFile.Member(k.publicKey().nodeId(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1));
        }
        List<Child> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dir = data.resolve("node-" + i);
            Path conf = dir.resolve("node.conf");
            new KeyFile("bc", keys.get(i)).write(dir.resolve("node.key"), false);
            NodeFile f = new NodeFile(conf, instance, alg, "vertx", store, "bc", dir.resolve("node.key"),
                    dir.resolve("data"), null, members, tick, g, 3_600_000, 5_000, List.of(),
                    DeciderOptions.withDefaults(alg, Map.of()));
            try {
                Files.writeString(conf, f.render(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliException.failure("cannot write " + conf + ": " + e.getMessage(), e);
            }
            out.add(new Child(i, dir, NodeFile.read(conf)));
        }
        return out;
    }

    private List<Child> reuse() {
        List<Child> out = new ArrayList<>();
        for (int i = 0; Files.exists(data.resolve("node-" + i).resolve("node.conf")); i++) {
            Path dir = data.resolve("node-" + i);
            out.add(new Child(i, dir, NodeFile.read(dir.resolve("node.conf"))));
        }
        NodeFile first = out.get(0).config;
        if (nodes != null && nodes != out.size()) {
            throw CliException.usage(data + " holds a " + out.size() + "-node cluster, not " + nodes
                    + " (use another --data DIR for a new cluster)");
        }
        if (algorithm != null && !algorithm.equals(first.decider())) {
            throw CliException.usage(data + " holds a " + first.decider() + " cluster, not " + algorithm
                    + " (use another --data DIR for a new cluster)");
        }
        if (tickMs != null && tickMs != first.tickStartMs() || growth != null && growth != first.tickGrowth()
                || storage != null && !storage.equals(first.storage())) {
            throw CliException.usage("--tick-ms, --growth and --storage apply to a new cluster; " + data + " has "
                    + "its own (edit its node-*/node.conf files to change them)");
        }
        Set<String> ids = new HashSet<>();
        for (Child c : out) {
            if (c.config.members().size() != out.size() || !c.config.decider().equals(first.decider())) {
                throw CliException.usage(c.dir.resolve("node.conf") + " does not match the other nodes' configs");
            }
            ids.add(KeyFile.read(c.config.key()).key().publicKey().nodeId().toHex());
        }
        if (ids.size() != out.size()) {
            throw CliException.usage(data + ": two nodes share a key");
        }
        return out;
    }

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                held.add(s);
                ports.add(s.getLocalPort());
            }
        } catch (IOException e) {
            throw CliException.failure("cannot find free ports on 127.0.0.1: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // the port was only probed
                }
            }
        }
        return ports;
    }

    private List<String> command(Child c, String modulePath) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--illegal-native-access=allow");
        }
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isBlank()) {
            // a runner (for example Surefire) may keep jars no module descriptor names, such as MapDB's own
            // dependencies, on the class path; automatic modules read the class path, so the nodes need it too
            cmd.add("--class-path");
            cmd.add(classPath);
        }
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-XX:-UsePerfData",
                "--module-path", modulePath, "--module", NODE_MAIN,
                "node", "--config", c.dir.resolve("node.conf").toString(), "--instance", instance, "--json"));
        if (Logging.verbose()) {
            cmd.add("--verbose");
        }
        if (log.on) {
            // the cluster stops the nodes itself, --seconds after every node started
            cmd.addAll(List.of("--log", "--rate", String.valueOf(log.rate()), "--value-bytes",
                    String.valueOf(log.valueBytes())));
            return cmd;
        }
        boolean decidedBefore = !Journal.open(c.config.data(), instance).earlier().isEmpty();
        for (int k = 0; k < values && !decidedBefore; k++) {
            // a node that decided this instance before proposes what its storage (or, for storage that is not
            // durable, its journal) holds
            cmd.add("--propose");
            cmd.add(instance + ": value " + (values > 1 ? k + " " : "") + "from node " + c.index);
        }
        return cmd;
    }

    private void launch(Child c, String modulePath, BlockingQueue<Line> lines) {
        ProcessBuilder pb = new ProcessBuilder(command(c, modulePath))
                .redirectError(ProcessBuilder.Redirect.appendTo(c.dir.resolve("node.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            c.launchedNanos = System.nanoTime();
            c.process = pb.start();
        } catch (IOException e) {
            throw CliException.failure("cannot start node " + c.index + ": " + e.getMessage(), e);
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(c.process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(new Line(c.index, l));
                }
            } catch (IOException e) {
                // the process ended
            }
            lines.add(new Line(c.index, null));
        }, "consensus-cluster-node-" + c.index);
        reader.setDaemon(true);
        reader.start();
    }

    /** Follows the nodes until the goal is reached; returns why it failed, or null. */
    private String watch(List<Child> children, BlockingQueue<Line> lines, Goal goal, PrintWriter out)
            throws InterruptedException {
        boolean said = false;
        while (true) {
            boolean all = goal.reached();
            if (all && !keepRunning) {
                return null;
            }
            if (all && !said) {
                said = true;
                say(out, "all " + children.size() + " nodes decided; they keep running (--keep-running): Ctrl-C "
                        + "stops them");
            }
            String late = all ? null : goal.late();
            if (late != null) {
                return late;
            }
            Line l = lines.poll(250, TimeUnit.MILLISECONDS);
            if (l == null) {
                continue;
            }
            Child c = children.get(l.index());
            if (l.line() == null) {
                c.outputEnded = true;
                String why = ended(c);
                if (why != null) {
                    return why;
                }
                continue;
            }
            String fail = handle(c, l.line(), out);
            if (fail != null) {
                return fail;
            }
        }
    }

    private String ended(Child c) throws InterruptedException {
        if (!c.process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            return null;
        }
        c.exit = c.process.exitValue();
        return "node " + c.index + " exited with code " + c.exit + ": " + lastLine(c.dir.resolve("node.log"));
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "(no output in " + log + ")";
        } catch (IOException e) {
            return "(see " + log + ")";
        }
    }

    /** One line from a child; returns a failure, or null. */
    private String handle(Child c, String line, PrintWriter out) {
        Map<String, Object> e;
        try {
            e = Json.parseObject(line);
        } catch (IllegalArgumentException notJson) {
            System.getLogger(ClusterCommand.class.getName()).log(System.Logger.Level.DEBUG,
                    () -> "node " + c.index + ": " + line);
            return null;
        }
        String kind = String.valueOf(e.get("event"));
        switch (kind) {
            case "started" -> {
                c.started = e;
                say(out, String.format("node %d  %s  %s  pid %d  %s storage%s", c.index,
                        Text.shortHex(e.get("node")), e.get("listen"), c.process.pid(), e.get("storage"),
                        ((List<?>) e.getOrDefault("earlier", List.of())).isEmpty() ? ""
                                : "  decided earlier: " + ((List<?>) e.get("earlier")).size()));
            }
            case "warning" -> {
                if (warned.add(String.valueOf(e.get("message")))) {
                    spec.commandLine().getErr().println("consensus: warning: " + e.get("message"));
                    spec.commandLine().getErr().flush();
                }
            }
            case "decided" -> {
                long sinceLaunch = (System.nanoTime() - c.launchedNanos) / 1_000_000;
                e.put("sinceLaunchMs", sinceLaunch);
                c.decisions.add(e);
                String value = e.get("value") != null ? "'" + e.get("value") + "'" : "0x" + e.get("valueHex");
                String how = Boolean.TRUE.equals(e.get("restored"))
                        ? "restored from storage before its first tick"
                        : "at tick " + e.get("tick") + ", " + Text.millis((Long) e.get("elapsedMs"))
                                + " after its node started";
                String earlier = switch (String.valueOf(e.get("earlier"))) {
                    case "same" -> " · same as decided earlier ✓";
                    case "different" -> " · DIFFERENT from the earlier decision ✗";
                    default -> "";
                };
                say(out, "node " + c.index + "  decided #" + e.get("position") + " " + value + "  " + how
                        + " (" + Text.millis(sinceLaunch) + " after launch)" + earlier);
                if ("different".equals(e.get("earlier"))) {
                    return "node " + c.index + " decided #" + e.get("position") + " differently from before";
                }
            }
            case "unreachable" -> {
                if (Logging.verbose()) {
                    say(out, "node " + c.index + "  peer " + Text.shortHex(e.get("peer")) + " unreachable: "
                            + e.get("error"));
                }
            }
            case "stopped" -> c.stoppedCleanly = true;
            default -> {
                // reachable and future events: nothing to show
            }
        }
        if (logs != null) {
            logs.handle(c.index, kind, e);
        }
        return null;
    }

    private void say(PrintWriter out, String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /**
     * Asks every running child to stop (SIGTERM, as Ctrl-C would: its shutdown hook closes the node), then waits
     * for each; one that does not end in time is killed.
     */
    private static void stopAll(List<Child> children) {
        synchronized (children) {
            for (Child c : children) {
                if (c.process != null && c.process.isAlive()) {
                    // SIGTERM through the handle: Process.destroy() would also close our end of its output, and
                    // we want to read its last words ("stopped")
                    c.process.toHandle().destroy();
                }
            }
            for (Child c : children) {
                if (c.process == null) {
                    continue;
                }
                try {
                    if (!c.process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                        c.process.destroyForcibly();
                        c.process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    c.process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Reads what the children printed while stopping (their "stopped" events), until each one's output ends. */
    private void drain(List<Child> children, BlockingQueue<Line> lines, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        while (children.stream().anyMatch(c -> c.process != null && !c.outputEnded) && System.nanoTime() < deadline) {
            Line l = lines.poll(1, TimeUnit.SECONDS);
            if (l == null) {
                continue;
            }
            Child c = children.get(l.index());
            if (l.line() == null) {
                c.outputEnded = true;
            } else {
                handle(c, l.line(), out);
            }
        }
        for (Child c : children) {
            if (c.process != null && !c.process.isAlive()) {
                c.exit = c.process.exitValue();
            }
        }
    }

    /** Every node's decision at each position must be the same. */
    private static String agreement(List<Child> children) {
        Map<Object, Object> byPosition = new LinkedHashMap<>();
        for (Child c : children) {
            for (Map<String, Object> d : c.decisions) {
                Object prev = byPosition.putIfAbsent(d.get("position"), d.get("valueHex"));
                if (prev != null && !prev.equals(d.get("valueHex"))) {
                    return "agreement broken: node " + c.index + " decided #" + d.get("position")
                            + " differently from another node";
                }
            }
        }
        return null;
    }

    private void report(List<Child> children, boolean created, String failure, PrintWriter out) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dir", data.toString());
            m.put("created", created);
            m.put("algorithm", children.get(0).config.decider());
            m.put("instance", instance);
            m.put("ok", failure == null);
            m.put("failure", failure);
            if (logs != null) {
                m.put("log", logs.json(failure));
            }
            List<Object> ns = new ArrayList<>();
            for (Child c : children) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("index", c.index);
                n.put("id", c.started == null ? null : c.started.get("node"));
                n.put("address", c.started == null ? null : c.started.get("listen"));
                n.put("storage", c.started == null ? null : c.started.get("storage"));
                n.put("durable", c.started == null ? null : c.started.get("durable"));
                n.put("earlier", c.started == null ? List.of() : c.started.get("earlier"));
                n.put("decisions", c.decisions);
                n.put("stoppedCleanly", c.stoppedCleanly);
                n.put("exit", c.exit);
                if (logs != null) {
                    n.put("log", logs.node(c.index));
                }
                ns.add(n);
            }
            m.put("nodes", ns);
            out.println(Json.write(m));
            out.flush();
            return;
        }
        long clean = children.stream().filter(c -> c.stoppedCleanly).count();
        if (logs != null) {
            logs.lines(failure).forEach(out::println);
            out.println("stopped " + clean + " of " + children.size() + " nodes cleanly. Run the same command to "
                    + "continue the logs from " + data + ".");
            out.flush();
            return;
        }
        if (failure == null) {
            long slowest = children.stream().flatMap(c -> c.decisions.stream())
                    .mapToLong(d -> (Long) d.get("elapsedMs")).max().orElse(0);
            Object v = children.get(0).decisions.isEmpty() ? null : children.get(0).decisions.get(0).get("value");
            out.println("✓ all " + children.size() + " nodes decided" + (v != null ? " '" + v + "'" : "")
                    + " and agree; slowest " + Text.millis(slowest) + " after its node started");
        }
        out.println("stopped " + clean + " of " + children.size() + " nodes cleanly. Run the same command to resume "
                + "from " + data + "; add --instance NAME for a new decision.");
        out.flush();
    }

    private static String join(List<Integer> xs) {
        return String.join(", ", xs.stream().map(String::valueOf).toList());
    }
}
