package dev.bftkit.cli;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node's configuration file, read by {@code consensus node --config FILE}: {@code name = value} lines, {@code #}
 * comments, one {@code member} line per committee member. Relative paths are relative to the file's directory.
 * docs/CLI.md lists every name; each error names the file and line.
 *
 * @param file the file it was read from
 * @param instance the consensus instance to decide
 * @param decider the decider plugin
 * @param transport the transport plugin
 * @param storage the storage plugin
 * @param crypto the crypto plugin
 * @param key this node's key file
 * @param data this node's data directory
 * @param listen where to listen, or null for this node's member address
 * @param members the committee, in file order
 * @param tickStartMs the first tick's length
 * @param tickGrowth each tick's growth factor
 * @param tickMaxMs the longest tick
 * @param requestTimeoutMs how long to wait for a peer's response
 * @param propose the values this node proposes (and submits), in order
 * @param options decider options ({@code option.NAME = VALUE})
 */
record NodeFile(Path file, String instance, String decider, String transport, String storage, String crypto,
                Path key, Path data, InetSocketAddress listen, List<Member> members, long tickStartMs,
                double tickGrowth, long tickMaxMs, long requestTimeoutMs, List<String> propose,
                Map<String, String> options) {

    /** The largest config file read, in bytes. */
    static final int MAX_BYTES = 1 << 20;
    /** The most committee members a file may list. */
    static final int MAX_MEMBERS = 1024;

    /**
     * One committee member.
     *
     * @param id its node id (public key)
     * @param address where it listens
     * @param weight its voting weight
     */
    record Member(NodeId id, InetSocketAddress address, long weight) {
    }

    private static final Set<String> SINGLE = Set.of("instance", "decider", "transport", "storage", "crypto", "key",
            "data", "listen", "tick.start.ms", "tick.growth", "tick.max.ms", "request.timeout.ms");

    /**
     * Reads and validates a config file.
     *
     * @param file the file
     * @return the configuration
     * @throws CliException (usage) naming the file, the line and what is wrong
     */
    static NodeFile read(Path file) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw CliException.usage("config file " + file + " is a directory");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw CliException.usage("config file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw CliException.usage("config file " + file + " not found");
        } catch (CharacterCodingException e) {
            throw CliException.usage("config file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw CliException.usage("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    static NodeFile parse(Path file, String text) {
        Path base = file.toAbsolutePath().getParent();
        Entries e = Entries.read(file, text);
        if (e.members.isEmpty()) {
            throw CliException.usage(file + ": no 'member = ID HOST:PORT [WEIGHT]' lines: a node needs a committee");
        }
        if (!e.single.containsKey("key")) {
            throw CliException.usage(file + ": no 'key = FILE' line: a node needs its signing key");
        }
        String instance = e.single.getOrDefault("instance", "default");
        try {
            InstanceId.of(instance);
        } catch (IllegalArgumentException ex) {
            throw error(file, e.lineOf.get("instance"), ex.getMessage());
        }
        InetSocketAddress listen = e.single.containsKey("listen")
                ? address(file, e.lineOf.get("listen"), e.single.get("listen")) : null;
        long start = number(file, e.single, e.lineOf, "tick.start.ms", 1000, 1, 3_600_000);
        long max = number(file, e.single, e.lineOf, "tick.max.ms", Math.max(start, 3_600_000), start, 86_400_000);
        long timeout = number(file, e.single, e.lineOf, "request.timeout.ms", 5000, 1, 3_600_000);
        return new NodeFile(file, instance, e.single.getOrDefault("decider", "streamlette"),
                e.single.getOrDefault("transport", "vertx"), e.single.getOrDefault("storage", "mapdb"),
                e.single.getOrDefault("crypto", "bc"), base.resolve(e.single.get("key")),
                base.resolve(e.single.getOrDefault("data", "data")), listen, List.copyOf(e.members), start,
                growth(file, e), max, timeout, List.copyOf(e.propose), Map.copyOf(e.options));
    }

    private static double growth(Path file, Entries e) {
        if (!e.single.containsKey("tick.growth")) {
            return 1.05;
        }
        double growth;
        try {
            growth = Double.parseDouble(e.single.get("tick.growth"));
        } catch (NumberFormatException ex) {
            growth = Double.NaN;
        }
        if (!(growth >= 1 && growth <= 10)) {
            throw error(file, e.lineOf.get("tick.growth"), "tick.growth must be a number from 1 to 10");
        }
        return growth;
    }

    /** A config file's lines, each name checked: single settings (with their line), members, proposals, options. */
    private static final class Entries {
        final Path file;
        final Map<String, String> single = new LinkedHashMap<>();
        final Map<String, Integer> lineOf = new LinkedHashMap<>();
        final List<Member> members = new ArrayList<>();
        final List<String> propose = new ArrayList<>();
        final Map<String, String> options = new TreeMap<>();
        final Set<NodeId> ids = new HashSet<>();

        private Entries(Path file) {
            this.file = file;
        }

        static Entries read(Path file, String text) {
            Entries e = new Entries(file);
            int n = 0;
            for (String raw : text.split("\n", -1)) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw error(file, n, "expected name = value, got '" + cut(line) + "'");
                }
                e.add(n, line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
            return e;
        }

        private void add(int n, String name, String value) {
            if (SINGLE.contains(name)) {
                if (single.containsKey(name)) {
                    throw error(file, n, "'" + name + "' is already set on line " + lineOf.get(name));
                }
                if (value.isEmpty()) {
                    throw error(file, n, "'" + name + "' needs a value");
                }
                single.put(name, value);
                lineOf.put(name, n);
            } else if (name.equals("member")) {
                Member m = member(file, n, value);
                if (!ids.add(m.id())) {
                    throw error(file, n, "member " + m.id() + " is listed twice");
                }
                if (members.size() == MAX_MEMBERS) {
                    throw error(file, n, "more than " + MAX_MEMBERS + " members");
                }
                members.add(m);
            } else if (name.equals("propose")) {
                propose.add(value);
            } else if (name.startsWith("option.") && name.length() > "option.".length()) {
                options.put(name.substring("option.".length()), value);
            } else {
                throw error(file, n, "unknown name '" + cut(name) + "' (see docs/CLI.md for the names a node "
                        + "config takes)");
            }
        }
    }

    private static long number(Path file, Map<String, String> single, Map<String, Integer> lineOf, String name,
                               long fallback, long min, long max) {
        String v = single.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long x = Long.parseLong(v);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(file, lineOf.get(name), name + " must be a whole number from " + min + " to " + max + ", got '"
                + cut(v) + "'");
    }

    private static Member member(Path file, int line, String value) {
        String[] parts = value.split("\\s+");
        if (parts.length < 2 || parts.length > 3) {
            throw error(file, line, "expected member = ID HOST:PORT [WEIGHT]");
        }
        NodeId id;
        try {
            id = NodeId.fromHex(parts[0]);
        } catch (IllegalArgumentException e) {
            throw error(file, line, "'" + cut(parts[0]) + "' is not a node id (the hex public key keygen prints)");
        }
        long weight = 1;
        if (parts.length == 3) {
            try {
                weight = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                weight = -1;
            }
            if (weight < 0 || weight > 1_000_000_000_000L) {
                throw error(file, line, "weight must be a whole number from 0 to 10^12, got '" + cut(parts[2])
                        + "'");
            }
        }
        return new Member(id, address(file, line, parts[1]), weight);
    }

    /**
     * Parses {@code HOST:PORT} or {@code [IPV6]:PORT}.
     *
     * @return the resolved address
     */
    static InetSocketAddress address(Path file, int line, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw error(file, line, "'" + cut(text) + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw error(file, line, "'" + cut(text) + "' needs a port from 1 to 65535");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw error(file, line, "cannot resolve host '" + cut(host) + "'");
        }
        return a;
    }

    private static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static CliException error(Path file, int line, String what) {
        return CliException.usage(file + ":" + line + ": " + what);
    }

    /**
     * Writes a config file in the format {@link #read} reads.
     *
     * @return the text
     */
    String render() {
        StringBuilder sb = new StringBuilder("# bftkit node configuration (docs/CLI.md)\n");
        sb.append("instance = ").append(instance).append('\n');
        sb.append("decider = ").append(decider).append('\n');
        sb.append("transport = ").append(transport).append('\n');
        sb.append("storage = ").append(storage).append('\n');
        sb.append("crypto = ").append(crypto).append('\n');
        Path dir = file.toAbsolutePath().getParent();
        sb.append("key = ").append(relative(dir, key)).append('\n');
        sb.append("data = ").append(relative(dir, data)).append('\n');
        if (listen != null) {
            sb.append("listen = ").append(hostPort(listen)).append('\n');
        }
        sb.append("tick.start.ms = ").append(tickStartMs).append('\n');
        sb.append("tick.growth = ").append(tickGrowth).append('\n');
        sb.append("tick.max.ms = ").append(tickMaxMs).append('\n');
        sb.append("request.timeout.ms = ").append(requestTimeoutMs).append('\n');
        propose.forEach(p -> sb.append("propose = ").append(p).append('\n'));
        options.forEach((k, v) -> sb.append("option.").append(k).append(" = ").append(v).append('\n'));
        sb.append("# the committee: node id (public key), address, weight\n");
        for (Member m : members) {
            sb.append("member = ").append(m.id().toHex()).append(' ').append(hostPort(m.address())).append(' ')
                    .append(m.weight()).append('\n');
        }
        return sb.toString();
    }

    private static String relative(Path dir, Path p) {
        Path abs = p.toAbsolutePath();
        return abs.startsWith(dir) ? dir.relativize(abs).toString() : abs.toString();
    }

    /**
     * @param a an address
     * @return {@code HOST:PORT}, with an IPv6 host in brackets
     */
    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
