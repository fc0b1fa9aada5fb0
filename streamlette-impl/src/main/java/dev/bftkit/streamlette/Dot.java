package dev.bftkit.streamlette;

import dev.bftkit.api.NodeId;
import dev.bftkit.streamlette.MessageTree.Entry;

/** Writes the message tree as Graphviz DOT: leader messages as boxes, notarized ones bold, the decided root doubled. */
final class Dot {
    private Dot() {
    }

    static String render(MessageTree tree, NodeId self, Entry decidedRoot) {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph Streamlette {\n  label=\"node ").append(self).append("\";\n  rankdir=LR;\n");
        sb.append("  node [shape=box, fontname=\"monospace\"];\n");
        for (Entry e : tree.entries()) {
            sb.append("  \"").append(e.key).append("\" [label=\"")
                    .append(e.isProposal() ? "P" : "S").append(" t=").append(e.tick)
                    .append("\\nby ").append(e.msg.source())
                    .append("\\nvotes ").append(e.votes.size()).append(" (w=").append(e.voteWeight).append(')')
                    .append('"');
            if (e.notarized) {
                sb.append(", style=bold");
            }
            if (e == decidedRoot) {
                sb.append(", peripheries=2, color=blue");
            }
            sb.append("];\n");
            if (e.parent != null) {
                sb.append("  \"").append(e.parent.key).append("\" -> \"").append(e.key).append("\";\n");
            }
        }
        return sb.append("}\n").toString();
    }
}
