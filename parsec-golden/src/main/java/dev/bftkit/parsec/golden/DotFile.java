package dev.bftkit.parsec.golden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gossip graph dumped by the reference implementation's {@code dump-graphs} feature (or by our
 * {@code toDot()}): the header ({@code our_id}, {@code peer_list}, {@code consensus_mode}), every event with its
 * creator, parents and cause, and the {@code consensus_history} of the meta-elections section. Only what a replay
 * needs is read; the HTML labels and the meta-election details are skipped.
 */
public final class DotFile {
    private static final Pattern EDGE = Pattern.compile("^\\s*\"([^\"]+)\" -> \"([^\"]+)\"(.*)$");
    private static final Pattern NODE = Pattern.compile("^\\s*\"([^\"]+)\" \\[.*$");
    private static final Pattern PEER = Pattern.compile("^///\\s+([A-Za-z0-9]+): PeerState\\(([A-Z|]*)\\)\\s*$");
    private static final Pattern HASH = Pattern.compile("^///\\s*([0-9a-fA-F]{64})\\s*$");

    private final String ourId;
    private final TreeMap<String, Integer> peers;
    private final boolean singleMode;
    private final Map<String, DotEvent> events;
    private final List<byte[]> consensusHistory;

    private DotFile(String ourId, TreeMap<String, Integer> peers, boolean singleMode, Map<String, DotEvent> events,
                    List<byte[]> consensusHistory) {
        this.ourId = ourId;
        this.peers = peers;
        this.singleMode = singleMode;
        this.events = events;
        this.consensusHistory = consensusHistory;
    }

    /** @return the name of the node whose view this is */
    public String ourId() {
        return ourId;
    }

    /** @return peer name → state bits (VOTE 0b1001, SEND 0b0010, RECV 0b0100, DKG 0b1000), in name order */
    public Map<String, Integer> peers() {
        return Collections.unmodifiableMap(peers);
    }

    /** @return true for Single consensus mode, false for Supermajority */
    public boolean singleMode() {
        return singleMode;
    }

    /** @return the events by id, in file order */
    Map<String, DotEvent> events() {
        return Collections.unmodifiableMap(events);
    }

    /** @return the recorded decided observation hashes, in decision order */
    public List<byte[]> consensusHistory() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] h : consensusHistory) {
            out.add(h.clone());
        }
        return out;
    }

    /**
     * @param file a .dot file
     * @return its contents
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a graph dump
     */
    public static DotFile read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * @param text the contents of a .dot dump
     * @return the parsed graph
     * @throws IllegalArgumentException if it is not a graph dump
     */
    public static DotFile parse(String text) {
        Lines lines = new Lines(text.split("\r?\n", -1));
        Header header = Header.parse(lines);
        Body body = Body.parse(lines);
        Map<String, DotEvent> events = new LinkedHashMap<>();
        for (String id : body.creatorOf.keySet()) {
            events.put(id, body.event(id, header.peers()));
        }
        return new DotFile(header.our(), header.peers(), header.single(), events, body.history);
    }

    /** The lines of a dump, read from the first on. */
    private static final class Lines {
        final String[] lines;
        int i;

        Lines(String[] lines) {
            this.lines = lines;
        }

        boolean more() {
            return i < lines.length;
        }

        String current() {
            return lines[i];
        }
    }

    /** The {@code ///} header: our id, the peer list and the consensus mode, up to the {@code digraph} line. */
    private record Header(String our, TreeMap<String, Integer> peers, boolean single) {
        static Header parse(Lines in) {
            String our = null;
            TreeMap<String, Integer> peers = new TreeMap<>();
            boolean single = false;
            for (; in.more(); in.i++) {
                String line = in.current();
                if (line.startsWith("/// our_id: ")) {
                    our = line.substring("/// our_id: ".length()).trim();
                } else if (line.startsWith("/// peer_list: {")) {
                    for (in.i++; in.more() && !in.current().trim().equals("/// }"); in.i++) {
                        Matcher m = PEER.matcher(in.current());
                        if (!m.matches()) {
                            throw new IllegalArgumentException("line " + (in.i + 1) + ": bad peer entry: "
                                    + in.current());
                        }
                        peers.put(m.group(1), parseState(m.group(2)));
                    }
                } else if (line.startsWith("/// consensus_mode: ")) {
                    single = line.substring("/// consensus_mode: ".length()).trim().equals("Single");
                } else if (line.startsWith("digraph GossipGraph")) {
                    break;
                }
            }
            if (our == null || peers.isEmpty() || !in.more()) {
                throw new IllegalArgumentException("not a gossip graph dump: missing our_id, peer_list or digraph");
            }
            return new Header(our, peers, single);
        }
    }

    /** The graph after the header: edges by cluster, each event's details, and the consensus history. */
    private static final class Body {
        final Map<String, String> creatorOf = new LinkedHashMap<>();
        final Map<String, String> selfParent = new LinkedHashMap<>();
        final Map<String, String> otherParent = new LinkedHashMap<>();
        final Map<String, String> cause = new LinkedHashMap<>();
        final Map<String, Map<String, Integer>> lastAncestors = new LinkedHashMap<>();
        final List<byte[]> history = new ArrayList<>();
        private String cluster;
        private String current;

        static Body parse(Lines in) {
            Body body = new Body();
            boolean details = false;
            for (in.i++; in.more(); in.i++) {
                String line = in.current();
                String trimmed = line.trim();
                if (trimmed.startsWith("/// ===== details of events")) {
                    details = true;
                } else if (trimmed.startsWith("/// ===== meta-elections")) {
                    body.readHistory(in);
                    break;
                } else if (details) {
                    body.readDetail(line);
                } else {
                    body.readEdge(line, trimmed);
                }
            }
            return body;
        }

        private void readEdge(String line, String trimmed) {
            if (trimmed.startsWith("subgraph cluster_")) {
                cluster = trimmed.substring("subgraph cluster_".length()).replace("{", "").trim();
                return;
            }
            if (cluster != null && trimmed.equals("}")) {
                cluster = null;
                return;
            }
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                String from = m.group(1);
                String to = m.group(2);
                if (cluster != null) {
                    creatorOf.put(to, cluster);
                    if (!from.equals(cluster)) {
                        selfParent.put(to, from);
                    }
                } else if (m.group(3).contains("constraint=false")) {
                    otherParent.put(to, from);
                }
            }
        }

        private void readDetail(String line) {
            Matcher m = NODE.matcher(line);
            if (m.matches() && !line.startsWith("///")) {
                current = m.group(1);
            } else if (line.startsWith("/// cause: ") && current != null) {
                cause.put(current, line.substring("/// cause: ".length()).trim());
            } else if (line.startsWith("/// last_ancestors: ") && current != null) {
                lastAncestors.put(current, parseLastAncestors(line.substring("/// last_ancestors: ".length())));
            }
        }

        private void readHistory(Lines in) {
            for (in.i++; in.more(); in.i++) {
                if (in.current().startsWith("/// consensus_history:")) {
                    for (in.i++; in.more(); in.i++) {
                        Matcher m = HASH.matcher(in.current());
                        if (!m.matches()) {
                            break;
                        }
                        history.add(HexFormat.of().parseHex(m.group(1).toLowerCase(java.util.Locale.ROOT)));
                    }
                    break;
                }
            }
        }

        DotEvent event(String id, TreeMap<String, Integer> peers) {
            String c = cause.get(id);
            if (c == null) {
                throw new IllegalArgumentException("event " + id + " has no cause line");
            }
            int sep = id.lastIndexOf('_');
            if (sep < 0) {
                throw new IllegalArgumentException("bad event id " + id);
            }
            String index = id.substring(sep + 1);
            int comma = index.indexOf(',');
            int indexByCreator;
            int forkIndex;
            try {
                indexByCreator = Integer.parseInt(comma < 0 ? index : index.substring(0, comma));
                forkIndex = comma < 0 ? 0 : Integer.parseInt(index.substring(comma + 1));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("bad event id " + id, ex);
            }
            return new DotEvent(id, resolvePeer(peers, creatorOf.get(id)), selfParent.get(id), otherParent.get(id),
                    DotCause.parse(c), indexByCreator, forkIndex, lastAncestors.getOrDefault(id, Map.of()));
        }
    }

    /**
     * Cluster names may be shortened; like the reference's parser, a short name stands for the first full peer
     * name not less than it.
     */
    private static String resolvePeer(TreeMap<String, Integer> peers, String name) {
        if (peers.containsKey(name)) {
            return name;
        }
        String full = peers.ceilingKey(name);
        if (full == null || !full.startsWith(name)) {
            throw new IllegalArgumentException("cluster " + name + " names no peer of the peer list");
        }
        return full;
    }

    private static int parseState(String bits) {
        int state = 0;
        for (String b : bits.split("\\|")) {
            switch (b) {
                case "VOTE":
                    state |= 0b1001;
                    break;
                case "SEND":
                    state |= 0b0010;
                    break;
                case "RECV":
                    state |= 0b0100;
                    break;
                case "DKG":
                    state |= 0b1000;
                    break;
                case "":
                    break;
                default:
                    throw new IllegalArgumentException("unknown peer state bit " + b);
            }
        }
        return state;
    }

    private static Map<String, Integer> parseLastAncestors(String text) {
        String body = text.trim();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalArgumentException("bad last_ancestors: " + text);
        }
        body = body.substring(1, body.length() - 1).trim();
        Map<String, Integer> out = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String part : body.split(",")) {
            String[] kv = part.split(":");
            out.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        }
        return out;
    }
}
