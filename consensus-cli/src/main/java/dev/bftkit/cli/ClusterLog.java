package dev.bftkit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code consensus cluster --log}: follows each node's log from its JSON events ({@code committed}, {@code restored},
 * {@code rate}, {@code stopped}), shows each node's progress, decides when the run is over ({@code --seconds} after
 * every node started, once every node committed an entry of this run), and checks at the end that every node's log
 * is the same: an entry's hash covers the hash of the entry before it, so equal hashes at the lowest height every
 * node reached mean equal logs up to there.
 */
final class ClusterLog {
    private final int nodes;
    private final int rate;
    private final int valueBytes;
    private final int seconds;
    private final long timeoutSeconds;
    private final Path data;
    private final Consumer<String> say;
    private final long deadline;
    private final List<Progress> progress = new ArrayList<>();
    private long allStarted = -1;

    /** One node's log as its events told it. */
    private static final class Progress {
        boolean started;
        long height = -1;
        String head;
        long fresh;
        long entries;
        long values;
        long restored;
        long restoredHeight = -1;
        String restoredHash;
        /** Entry hashes by height, from the lowest height every node reached on. */
        final TreeMap<Long, String> hashes = new TreeMap<>();
        Map<String, Object> stopped;
    }

    /**
     * @param nodes the cluster's size
     * @param flags the workload's rate and value size
     * @param seconds how long the nodes append, once every node started
     * @param timeoutSeconds how long every node may take to start and commit an entry
     * @param data the cluster's directory
     * @param say prints a line of progress (nothing with {@code --json})
     */
    ClusterLog(int nodes, LogFlags flags, int seconds, long timeoutSeconds, Path data, Consumer<String> say) {
        this.nodes = nodes;
        this.rate = flags.rate();
        this.valueBytes = flags.valueBytes();
        this.seconds = seconds;
        this.timeoutSeconds = timeoutSeconds;
        this.data = data;
        this.say = say;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (int i = 0; i < nodes; i++) {
            progress.add(new Progress());
        }
    }

    /**
     * {@return whether the run is over: every node started {@code seconds} ago or more, and (unless nothing is
     * appended) every node committed an entry in this run}
     */
    boolean over() {
        return allStarted >= 0 && System.nanoTime() - allStarted >= TimeUnit.SECONDS.toNanos(seconds)
                && (rate == 0 || progress.stream().allMatch(p -> p.fresh > 0));
    }

    /** {@return why the run failed for lack of time: a node did not start, or commit, within the timeout; or null} */
    String late() {
        if (System.nanoTime() < deadline) {
            return null;
        }
        boolean starting = allStarted < 0;
        List<Integer> slow = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            Progress p = progress.get(i);
            if (starting ? !p.started : p.fresh == 0) {
                slow.add(i);
            }
        }
        return "node" + (slow.size() > 1 ? "s " : " ") + String.join(", ", slow.stream().map(String::valueOf)
                .toList()) + " did not " + (starting ? "start" : "commit an entry") + " within " + timeoutSeconds
                + " s (see " + data.resolve("node-" + slow.get(0)).resolve("node.log") + ")";
    }

    /**
     * Takes one event of node {@code index}.
     *
     * @param index the node
     * @param kind the event's kind
     * @param e the event
     */
    void handle(int index, String kind, Map<String, Object> e) {
        Progress p = progress.get(index);
        switch (kind) {
            case "started" -> {
                p.started = true;
                if (progress.stream().allMatch(x -> x.started) && allStarted < 0) {
                    allStarted = System.nanoTime();
                    say.accept("all " + nodes + " nodes started; they append for " + seconds + " s");
                }
            }
            case "committed" -> committed(p, e);
            case "restored" -> {
                p.restored = (Long) e.get("entries");
                p.restoredHeight = (Long) e.get("height");
                p.restoredHash = (String) e.get("hash");
                say.accept("node " + index + "  " + Events.restoredText(p.restored, p.restoredHeight,
                        p.restoredHash));
            }
            case "rate" -> say.accept("node " + index + "  height " + ((Long) e.get("height") < 0 ? "-"
                    : e.get("height")) + " · "
                    + Events.rateText(number(e.get("valuesPerSecond")), number(e.get("entriesPerSecond")),
                    e.get("ownP50Ms") == null ? Double.NaN : number(e.get("ownP50Ms")))
                    + " · " + Text.count((Long) e.get("waiting")) + " waiting");
            case "stopped" -> p.stopped = e;
            default -> {
                // the other events are the cluster's own business
            }
        }
    }

    private void committed(Progress p, Map<String, Object> e) {
        long h = (Long) e.get("height");
        p.height = Math.max(p.height, h);
        p.head = String.valueOf(e.get("hash"));
        p.fresh += Boolean.TRUE.equals(e.get("restored")) ? 0 : 1;
        p.entries++;
        p.values += (Long) e.get("values");
        p.hashes.put(h, String.valueOf(e.get("hash")));
        long lowest = lowest();
        for (Progress x : progress) {
            x.hashes.headMap(lowest).clear();
        }
    }

    private long lowest() {
        return progress.stream().mapToLong(x -> x.height).min().orElse(-1);
    }

    private static double number(Object o) {
        return ((Number) o).doubleValue();
    }

    /**
     * {@return why the logs fail the check, or null: every node must hold an entry, and the same hash at the lowest
     * height every node reached}
     */
    String check() {
        long lowest = lowest();
        if (lowest < 0) {
            for (int i = 0; i < nodes; i++) {
                if (progress.get(i).height < 0) {
                    return "node " + i + " committed no entry in " + seconds + " s (see "
                            + data.resolve("node-" + i).resolve("node.log") + ")";
                }
            }
        }
        String first = progress.get(0).hashes.get(lowest);
        for (int i = 0; i < nodes; i++) {
            String h = progress.get(i).hashes.get(lowest);
            if (h == null || !h.equals(first)) {
                return "the logs differ at height " + lowest + ": node 0 " + Text.shortHex(first) + ", node " + i
                        + " " + (h == null ? "none" : Text.shortHex(h));
            }
        }
        return null;
    }

    /**
     * Prints each node's hash at the lowest common height and the check's line.
     *
     * @param failure the run's failure, or null
     * @return the lines
     */
    List<String> lines(String failure) {
        long lowest = lowest();
        List<String> out = new ArrayList<>();
        long appended = 0;
        long committed = 0;
        for (int i = 0; i < nodes; i++) {
            Progress p = progress.get(i);
            Map<String, Object> s = p.stopped == null ? Map.of() : p.stopped;
            appended += (Long) s.getOrDefault("appended", 0L);
            committed += (Long) s.getOrDefault("committed", 0L);
            out.add("node " + i + "  height " + p.height + "  hash at " + lowest + ": "
                    + Text.shortHex(p.hashes.getOrDefault(lowest, "-")) + "  appended " + Text.count((Long)
                    s.getOrDefault("appended", 0L)) + ", committed " + Text.count((Long) s.getOrDefault("committed",
                    0L)));
        }
        if (failure == null) {
            out.add("✓ all " + nodes + " logs agree up to height " + lowest + " (hash "
                    + Text.shortHex(progress.get(0).hashes.get(lowest)) + "); the nodes appended "
                    + Text.count(appended) + " values and " + Text.count(committed)
                    + " of them committed");
        } else {
            out.add("✗ " + failure);
        }
        return out;
    }

    /**
     * The log's part of the JSON report.
     *
     * @param failure the run's failure, or null
     * @return {@code rate}, {@code valueBytes}, {@code seconds}, {@code lowestHeight}, {@code hash} (every node's
     *     at that height when they agree) and {@code agree}
     */
    Map<String, Object> json(String failure) {
        long lowest = lowest();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", rate);
        m.put("valueBytes", valueBytes);
        m.put("seconds", seconds);
        m.put("lowestHeight", lowest);
        m.put("hash", progress.get(0).hashes.get(lowest));
        m.put("agree", failure == null);
        return m;
    }

    /**
     * One node's part of the JSON report.
     *
     * @param index the node
     * @return {@code height} and {@code headHash} (its highest entry and that entry's hash), {@code hash} (at the
     *     lowest height), {@code entries} and {@code values} (seen this run, restored ones included),
     *     {@code restored}, {@code restoredHeight} and {@code restoredHash} (the entries reloaded from storage: how
     *     many, the last one's height and hash), and its {@code stopped} event's {@code appended}, {@code committed},
     *     {@code refused}
     */
    Map<String, Object> node(int index) {
        Progress p = progress.get(index);
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("height", p.height);
        n.put("headHash", p.head);
        n.put("hash", p.hashes.get(lowest()));
        n.put("entries", p.entries);
        n.put("values", p.values);
        n.put("restored", p.restored);
        n.put("restoredHeight", p.restoredHeight);
        n.put("restoredHash", p.restoredHash);
        Map<String, Object> s = p.stopped == null ? Map.of() : p.stopped;
        for (String k : List.of("appended", "committed", "refused")) {
            n.put(k, s.get(k));
        }
        return n;
    }
}
