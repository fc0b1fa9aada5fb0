package dev.bftkit.parsec;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the gossip graph as Graphviz DOT in the reference's annotated {@code dump-graphs} format: a {@code ///}
 * header (our id, peer states, consensus mode), one cluster per peer with self-parent edges, other-parent edges,
 * node labels (cyan for votes, crimson for interesting events with their content, orange for observers, meta-vote
 * tables), each node's cause and last ancestors, and a meta-elections section. The reference's dot parser reads it
 * back, and so does the golden tools' ({@code parsec-golden}).
 */
final class DotWriter {
    private final ParsecCore core;
    private final String[] shortNames;

    private DotWriter(ParsecCore core) {
        this.core = core;
        this.shortNames = shortNames(core);
    }

    static String write(ParsecCore core) {
        return new DotWriter(core).write();
    }

    /** The shortest prefix of each name that no other name starts with (the reference's event prefixes). */
    private static String[] shortNames(ParsecCore core) {
        int n = core.peers.size();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            String name = core.peers.get(i).name;
            int len = 1;
            while (len < name.length()) {
                boolean unique = true;
                String prefix = name.substring(0, len);
                for (int j = 0; j < n && unique; j++) {
                    unique = j == i || !core.peers.get(j).name.startsWith(prefix);
                }
                if (unique) {
                    break;
                }
                len++;
            }
            out[i] = name.substring(0, len);
        }
        return out;
    }

    String eventName(Event e) {
        return shortNames[e.creator] + "_" + e.indexByCreator + (hasFork(e) ? "," + e.forkIndex : "");
    }

    private boolean hasFork(Event e) {
        return core.peers.get(e.creator).hasForkAt(e.indexByCreator);
    }

    private String write() {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("/// our_id: ").append(core.peers.our().name).append('\n');
        sb.append("/// peer_list: {\n");
        for (int i = 0; i < core.peers.size(); i++) {
            Peer p = core.peers.get(i);
            sb.append("///   ").append(p.name).append(": ").append(PeerState.describe(p.state)).append('\n');
        }
        sb.append("/// }\n");
        sb.append("/// consensus_mode: ").append(core.singleMode ? "Single" : "Supermajority").append('\n');
        sb.append("digraph GossipGraph {\n  splines=false\n  rankdir=BT\n");
        int[] rank = ranks();
        for (int i = 0; i < core.peers.size(); i++) {
            Peer p = core.peers.get(i);
            sb.append("\n  style=invis\n  subgraph cluster_").append(p.name).append(" {\n");
            sb.append("    label=\"").append(p.name).append("\"\n");
            sb.append("    \"").append(p.name).append("\" [style=invis]\n");
            List<Integer> events = p.allEvents();
            for (int idx : events) {
                Event e = core.graph.get(idx);
                if (e.selfParent < 0) {
                    sb.append("    \"").append(p.name).append("\" -> \"").append(eventName(e))
                            .append("\" [style=invis]\n");
                } else {
                    Event sp = core.graph.get(e.selfParent);
                    sb.append("    \"").append(eventName(sp)).append("\" -> \"").append(eventName(e))
                            .append("\" [minlen=").append(Math.max(1, rank[e.index] - rank[sp.index])).append("]\n");
                }
            }
            sb.append("  }\n");
            for (int idx : events) {
                Event e = core.graph.get(idx);
                if (e.otherParent >= 0) {
                    sb.append("  \"").append(eventName(core.graph.get(e.otherParent))).append("\" -> \"")
                            .append(eventName(e)).append("\" [constraint=false]\n");
                }
            }
        }
        sb.append("\n  {\n    rank=same\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < core.peers.size(); i++) {
            names.add('"' + core.peers.get(i).name + '"');
            sb.append("    \"").append(core.peers.get(i).name).append("\" [style=filled, color=white]\n");
        }
        sb.append("  }\n  ").append(String.join(" -> ", names)).append(" [style=invis]\n\n");
        sb.append("/// ===== details of events =====\n");
        for (int i = 0; i < core.peers.size(); i++) {
            for (int idx : core.peers.get(i).allEvents()) {
                writeDetails(sb, core.graph.get(idx));
            }
        }
        sb.append("}\n\n");
        writeMetaElection(sb);
        return sb.toString();
    }

    private int[] ranks() {
        int[] rank = new int[core.graph.size()];
        for (Event e : core.graph.events()) {
            int r = 0;
            if (e.selfParent >= 0) {
                r = Math.max(r, rank[e.selfParent] + 1);
            }
            if (e.otherParent >= 0) {
                r = Math.max(r, rank[e.otherParent] + 1);
            }
            rank[e.index] = r;
        }
        return rank;
    }

    private void writeDetails(StringBuilder sb, Event e) {
        MetaEvent m = core.meta.metaEvents.get(e.index);
        String name = eventName(e);
        String attrs;
        if (e.observation != null) {
            attrs = "style=filled, fillcolor=cyan, shape=rectangle, ";
        } else if (m != null && !m.interestingContent.isEmpty()) {
            attrs = "style=filled, fillcolor=crimson, shape=rectangle, ";
        } else if (m != null && m.isObserver()) {
            attrs = "style=filled, fillcolor=orange, shape=rectangle, ";
        } else if (m != null) {
            attrs = "fillcolor=white, shape=rectangle, ";
        } else {
            attrs = "fillcolor=white, ";
        }
        sb.append("  \"").append(name).append("\" [").append(attrs)
                .append("label=<<table border=\"0\" cellborder=\"0\" cellpadding=\"0\" cellspacing=\"0\">\n");
        sb.append("<tr><td colspan=\"6\">").append(name).append("</td></tr>");
        boolean rows = false;
        if (e.observation != null) {
            sb.append("\n<tr><td colspan=\"6\">").append(html(describe(e.observation))).append("</td></tr>");
        }
        if (m != null && !m.interestingContent.isEmpty()) {
            sb.append("\n<tr><td colspan=\"6\">").append(html(contentList(m.interestingContent))).append("</td></tr>");
            rows = true;
        }
        if (m != null && !m.metaVotes.isEmpty()) {
            sb.append("\n<tr><td></td><td width=\"50\">stage</td><td width=\"30\">est</td><td width=\"30\">bin</td>"
                    + "<td width=\"30\">aux</td><td width=\"30\">dec</td></tr>");
            for (int p = 0; p < m.metaVotes.capacity(); p++) {
                if (m.metaVotes.get(p) == null) {
                    continue;
                }
                String label = shortNames[p] + ": ";
                for (int vote : m.metaVotes.get(p)) {
                    sb.append("\n<tr><td>").append(label).append("</td><td>").append(MetaVote.round(vote))
                            .append('/').append(MetaVote.step(vote)).append("</td><td>")
                            .append(MetaVote.symbol(MetaVote.est(vote))).append("</td><td>")
                            .append(MetaVote.symbol(MetaVote.bin(vote))).append("</td><td>")
                            .append(MetaVote.symbol(MetaVote.aux(vote))).append("</td><td>")
                            .append(MetaVote.symbol(MetaVote.dec(vote))).append("</td></tr>");
                    label = " ".repeat(label.length());
                }
            }
            rows = true;
        }
        sb.append(rows ? "</table>>]\n" : "\n</table>>]\n");
        sb.append("/// cause: ").append(causeText(e)).append('\n');
        sb.append("/// last_ancestors: {");
        String sep = "";
        for (int p = 0; p < e.ancestry.size(); p++) {
            int last = e.ancestry.last(p);
            if (last >= 0) {
                sb.append(sep).append(core.peers.get(p).name).append(": ").append(last);
                sep = ", ";
            }
        }
        sb.append("}\n\n");
    }

    private String causeText(Event e) {
        switch (e.cause) {
            case REQUESTING:
                return "Requesting(" + core.peers.get(e.recipient).name + ")";
            case REQUEST:
                return "Request";
            case RESPONSE:
                return "Response";
            case OBSERVATION:
                return "Observation(" + describe(e.observation) + ")";
            default:
                return "Initial";
        }
    }

    private void writeMetaElection(StringBuilder sb) {
        MetaElection me = core.meta;
        sb.append("/// ===== meta-elections =====\n/// consensus_history:\n");
        for (ObservationKey k : me.consensusHistory) {
            sb.append("/// ").append(Bytes.hex(k.hash())).append('\n');
        }
        sb.append("\n/// interesting_events: {\n");
        for (Map.Entry<Integer, MetaElection.Interesting> e : me.interestingEvents.entrySet()) {
            List<String> evs = new ArrayList<>();
            for (int idx : e.getValue().events) {
                evs.add('"' + eventName(core.graph.get(idx)) + '"');
            }
            sb.append("///   ").append(core.peers.get(e.getKey()).name).append(" -> [")
                    .append(String.join(", ", evs)).append("]\n");
        }
        sb.append("/// }\n/// all_voters: ").append(peerSet(me.voters)).append('\n');
        List<String> unconsensused = new ArrayList<>();
        for (int u = 0; u < me.unconsensused.size(); u++) {
            unconsensused.add('"' + eventName(core.graph.get(me.unconsensused.get(u))) + '"');
        }
        sb.append("/// unconsensused_events: {").append(String.join(", ", unconsensused)).append("}\n");
        sb.append("/// meta_events: {\n");
        for (Event e : core.graph.events()) {
            MetaEvent m = me.metaEvents.get(e.index);
            if (m == null) {
                continue;
            }
            sb.append("///   ").append(eventName(e)).append(" -> {\n");
            sb.append("///     observees: ").append(peerSet(m.observees.keySet())).append('\n');
            sb.append("///     interesting_content: ").append(contentList(m.interestingContent)).append('\n');
            if (!m.metaVotes.isEmpty()) {
                sb.append("///     meta_votes: {\n///         stage est bin aux dec\n");
                for (int p = 0; p < m.metaVotes.capacity(); p++) {
                    if (m.metaVotes.get(p) == null) {
                        continue;
                    }
                    String label = shortNames[p] + ": ";
                    for (int vote : m.metaVotes.get(p)) {
                        sb.append("///       ").append(label).append(MetaVote.round(vote)).append('/')
                                .append(MetaVote.step(vote)).append("   ").append(MetaVote.symbol(MetaVote.est(vote)))
                                .append("   ").append(MetaVote.symbol(MetaVote.bin(vote))).append("   ")
                                .append(MetaVote.symbol(MetaVote.aux(vote))).append("   ")
                                .append(MetaVote.symbol(MetaVote.dec(vote))).append(" \n");
                        label = " ".repeat(label.length());
                    }
                }
                sb.append("///     }\n");
            }
            sb.append("///   }\n");
        }
        sb.append("/// }\n");
    }

    private String peerSet(Set<Integer> peers) {
        TreeSet<String> names = new TreeSet<>();
        for (int p : peers) {
            names.add(core.peers.get(p).name);
        }
        return "{" + String.join(", ", names) + "}";
    }

    private String contentList(List<ObservationKey> keys) {
        List<String> out = new ArrayList<>();
        for (ObservationKey k : keys) {
            GraphState.ObservationInfo info = core.observations.get(k);
            out.add(info == null ? Bytes.hex(k.hash()) : describe(info.observation));
        }
        return "[" + String.join(", ", out) + "]";
    }

    private String name(NodeId id) {
        int i = core.peers.indexOf(id);
        return i >= 0 ? core.peers.get(i).name : core.state.nameOf(id);
    }

    /** An observation as the reference prints it. */
    String describe(Observation o) {
        if (o instanceof Observation.Genesis g) {
            TreeSet<String> names = new TreeSet<>();
            for (NodeId id : g.group()) {
                names.add(name(id));
            }
            return "Genesis({" + String.join(", ", names) + "})";
        } else if (o instanceof Observation.Add a) {
            return "Add(" + name(a.peer()) + ")";
        } else if (o instanceof Observation.Remove r) {
            return "Remove(" + name(r.peer()) + ")";
        } else if (o instanceof Observation.Accusation a) {
            String target = a.malice().events().isEmpty() ? "" : eventByHash(a.malice().events().get(0));
            return "Accusation { " + name(a.offender()) + ", " + a.malice().name() + "(" + target + ") }";
        }
        byte[] payload = ((Observation.Opaque) o).payload();
        String text = new String(payload, StandardCharsets.UTF_8);
        if (!text.isEmpty() && text.length() <= 64 && text.chars().allMatch(Character::isLetterOrDigit)
                && text.chars().allMatch(c -> c < 128)) {
            return "OpaquePayload(" + text + ")";
        }
        return "OpaquePayload(" + Bytes.hex(payload.length <= 16 ? payload : java.util.Arrays.copyOf(payload, 16))
                + ")";
    }

    private String eventByHash(byte[] hash) {
        int i = core.graph.indexOf(hash);
        return i >= 0 ? eventName(core.graph.get(i)) : Bytes.hex(hash).substring(0, 16);
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
