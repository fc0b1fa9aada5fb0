package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.StorageProvider;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code consensus node} prints: one line per event, as text or (with {@code --json}) as one JSON object per
 * line, which is what {@code consensus cluster} reads from its nodes. Thread-safe: events come from the node's
 * thread, the transport's and the main thread.
 */
final class Events {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final NodeId self;

    Events(PrintWriter out, PrintWriter err, boolean json, NodeId self) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.self = self;
    }

    /** @return this node's short id */
    String self() {
        return self.toString();
    }

    private synchronized void emit(Map<String, Object> event, String text) {
        out.println(json ? Json.write(event) : text);
        out.flush();
    }

    private Map<String, Object> event(String kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", kind);
        m.put("node", self.toHex());
        return m;
    }

    void warning(String message) {
        Map<String, Object> m = event("warning");
        m.put("message", message);
        if (json) {
            emit(m, null);
        } else {
            synchronized (this) {
                err.println("consensus: warning: " + message);
                err.flush();
            }
        }
    }

    void started(NodeFile cfg, String instance, Committee committee, InetSocketAddress listen,
                 StorageProvider storage, List<byte[]> earlier) {
        started(cfg, instance, committee, listen, storage, earlier, null);
    }

    /**
     * The node started; in log mode ({@code log} not null: its settings, such as {@code rate} and
     * {@code valueBytes}) its header says what it appends.
     */
    void started(NodeFile cfg, String instance, Committee committee, InetSocketAddress listen,
                 StorageProvider storage, List<byte[]> earlier, Map<String, Object> log) {
        Map<String, Object> m = event("started");
        m.put("instance", instance);
        m.put("decider", cfg.decider());
        m.put("listen", NodeFile.hostPort(listen));
        m.put("storage", storage.name());
        m.put("durable", storage.durable());
        m.put("members", committee.size());
        List<Object> e = new ArrayList<>();
        earlier.forEach(v -> e.add(Bytes.hex(v)));
        m.put("earlier", e);
        StringBuilder text = new StringBuilder().append("node ").append(self).append(" · ").append(cfg.decider())
                .append(" over ").append(cfg.transport()).append(", ").append(storage.name()).append(" storage in ")
                .append(cfg.data()).append(" · instance ").append(instance).append('\n')
                .append("listening on ").append(NodeFile.hostPort(listen)).append(" · committee of ")
                .append(committee.size()).append(" (tolerates faulty weight ").append(committee.maxFaultyWeight())
                .append(" of ").append(committee.totalWeight()).append(')');
        for (int i = 0; i < earlier.size(); i++) {
            text.append("\ndecided earlier: #").append(i).append(' ').append(Text.value(earlier.get(i)));
        }
        if (log != null) {
            m.put("log", log);
            text.append("\nlog over ").append(cfg.decider()).append(": appending ").append(log.get("rate"))
                    .append(" values/s of ").append(log.get("valueBytes")).append(" bytes; ticks at most ")
                    .append(Text.millis((Long) log.get("maxTickMs"))).append("; ")
                    .append(log.get("seconds") == null ? "Ctrl-C stops" : "stops after " + log.get("seconds") + " s");
        }
        emit(m, text.toString());
    }

    void unreachable(NodeId peer, InetSocketAddress address, TransportException error) {
        Map<String, Object> m = event("unreachable");
        m.put("peer", peer.toHex());
        m.put("address", address == null ? null : NodeFile.hostPort(address));
        m.put("error", error.getMessage());
        emit(m, "peer " + peer + " at " + (address == null ? "?" : NodeFile.hostPort(address)) + " unreachable ("
                + error.getMessage() + "); retrying");
    }

    void reachable(NodeId peer, InetSocketAddress address) {
        Map<String, Object> m = event("reachable");
        m.put("peer", peer.toHex());
        emit(m, "peer " + peer + " at " + (address == null ? "?" : NodeFile.hostPort(address)) + " answers");
    }

    void decided(Decision d, long tick, long elapsedMs, boolean restored, Journal.Match match) {
        Map<String, Object> m = event("decided");
        m.put("instance", d.instance().toString());
        m.put("position", d.position());
        m.put("value", Text.printable(d.value()).orElse(null));
        m.put("valueHex", Bytes.hex(d.value()));
        m.put("tick", tick);
        m.put("elapsedMs", elapsedMs);
        m.put("restored", restored);
        m.put("earlier", match.name().toLowerCase(java.util.Locale.ROOT));
        String how = restored ? "restored from storage before the first tick" : "at tick " + tick + ", "
                + Text.millis(elapsedMs) + " after start";
        String vs = switch (match) {
            case NEW -> "";
            case SAME -> "; the same as decided earlier";
            case DIFFERENT -> "; DIFFERENT from the value decided earlier!";
        };
        emit(m, "decided #" + d.position() + " " + Text.value(d.value()) + " " + how + vs);
    }

    void stopped(String reason, int decisions) {
        stopped(reason, decisions, Map.of(), "");
    }

    /** The node stopped; {@code more} adds to the JSON event, {@code text} to the line. */
    void stopped(String reason, int decisions, Map<String, Object> more, String text) {
        Map<String, Object> m = event("stopped");
        m.put("reason", reason);
        m.put("decisions", decisions);
        m.putAll(more);
        emit(m, "stopped (" + reason + ")" + text);
    }

    /**
     * A log entry committed (certified) on this node; one reloaded from storage before the first tick is printed
     * as text only in the {@link #restored} summary.
     */
    void committed(long height, int values, int repeats, byte[] hash, boolean restored, long elapsedMs) {
        Map<String, Object> m = event("committed");
        m.put("height", height);
        m.put("values", values);
        m.put("repeats", repeats);
        m.put("hash", Bytes.hex(hash));
        m.put("restored", restored);
        m.put("elapsedMs", elapsedMs);
        if (json || !restored) {
            emit(m, "#" + height + "  " + Text.count(values) + (values == 1 ? " value" : " values")
                    + (repeats > 0 ? " (" + repeats + " repeated)" : "") + " · hash " + Text.shortHex(Bytes.hex(hash))
                    + " · " + Text.millis(elapsedMs) + " after start");
        }
    }

    /** The entries the log reloaded from storage before its first tick: how many, the last one's height and hash. */
    void restored(long entries, long height, byte[] hash) {
        Map<String, Object> m = event("restored");
        m.put("entries", entries);
        m.put("height", height);
        m.put("hash", hash == null ? null : Bytes.hex(hash));
        emit(m, restoredText(entries, height, hash == null ? null : Bytes.hex(hash)));
    }

    /** {@return the line that sums up the entries a log reloaded from storage} */
    static String restoredText(long entries, long height, String hashHex) {
        return "restored " + Text.count(entries) + (entries == 1 ? " entry" : " entries") + " from storage (height"
                + (height == 0 ? " 0" : "s 0 to " + height) + ", hash " + Text.shortHex(hashHex) + ")";
    }

    /** A second of the log on this node. */
    void rate(NodeLog.Rate r) {
        Map<String, Object> m = event("rate");
        m.put("height", r.height());
        m.put("hash", r.hash());
        m.put("valuesPerSecond", Math.round(r.valuesPerSecond() * 10) / 10.0);
        m.put("entriesPerSecond", Math.round(r.entriesPerSecond() * 10) / 10.0);
        m.put("ownP50Ms", Double.isNaN(r.ownP50Ms()) ? null : Math.round(r.ownP50Ms() * 10) / 10.0);
        m.put("appended", r.tally().appended());
        m.put("committed", r.tally().committed());
        m.put("waiting", r.tally().waiting());
        m.put("refused", r.tally().refused());
        emit(m, "rate  " + rateText(r.valuesPerSecond(), r.entriesPerSecond(), r.ownP50Ms()) + " · height "
                + r.height() + " · " + Text.count(r.tally().waiting()) + " waiting"
                + (r.tally().refused() > 0 ? " · " + Text.count(r.tally().refused()) + " refused" : ""));
    }

    /** {@return values/s, entries/s and the median commit latency of this node's appends, as a rate line has them} */
    static String rateText(double valuesPerSecond, double entriesPerSecond, double ownP50Ms) {
        return String.format(Locale.ROOT, "%,.0f values/s · %.1f entries/s · own p50 %s", valuesPerSecond,
                entriesPerSecond, Double.isNaN(ownP50Ms) ? "-" : String.format(Locale.ROOT, "%.0f ms", ownP50Ms));
    }
}
