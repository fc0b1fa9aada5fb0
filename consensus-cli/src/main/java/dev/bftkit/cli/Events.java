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
        Map<String, Object> m = event("stopped");
        m.put("reason", reason);
        m.put("decisions", decisions);
        emit(m, "stopped (" + reason + ")");
    }
}
