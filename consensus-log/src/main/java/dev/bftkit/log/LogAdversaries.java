package dev.bftkit.log;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.ByzantineContext;
import dev.bftkit.conformance.adversary.ShadowBehaviour;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicated log's own Byzantine strategies for the conformance kit ({@code dev.bftkit.conformance}): a faulty
 * member that lies to peers catching up. Return them from {@code DeciderVerification.adversaries()} (or pass them to
 * the kit's {@code DeciderChecks}). Using them needs the kit on the module path; the log itself does not.
 */
public final class LogAdversaries {
    private LogAdversaries() {
    }

    /** {@return every strategy, in a fixed order} */
    @SuppressWarnings("exports") // the kit is `requires static`: only its users, who have it, call this
    public static List<Adversary> all() {
        return List.of(new Adversary("liar", "runs an honest log but claims in every message 1,000 more certified"
 + " entries than it has, so that peers ask it for them, and answers each such request with its entries'"
                + " values changed under their certificates, or with none, or with its snapshot's bytes changed"
                + " under their certified digest", (node, targets) -> new Liar(), false, true));
    }

    /** The lying catch-up peer. */
    private static final class Liar extends ShadowBehaviour {
        Liar() {
            super("liar");
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            Wire.Bounds any = new Wire.Bounds(ctx.crypto().hashLength(), ctx.crypto().signatureLength(),
                    Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
            Wire.Message m;
            try {
                m = Wire.decode(response, false, any);
            } catch (InvalidMessageException e) {
                return response;
            }
            Wire.Header h = m.header();
            Wire.Header lure = new Wire.Header(h.next() + 1000, h.certified() + 1000, h.votes());
            if (m instanceof Wire.Inner i) {
                return Wire.inner(false, lure, i.segment(), i.bytes());
            } else if (m instanceof Wire.Status s) {
                return Wire.status(lure, s.segment());
            } else if (m instanceof Wire.Snapshot sn) {
                byte[] chunk = sn.chunk();
                if (chunk.length > 0) {
                    chunk[chunk.length / 2] ^= 1;
                }
                return Wire.snapshot(lure, new Snapshots.Meta(sn.position(), sn.entryHash(), new byte[0], sn.length(),
                        sn.certificate()), sn.offset(), chunk);
            }
            List<Wire.Certified> changed = new ArrayList<>();
            for (Wire.Certified c : ((Wire.Entries) m).entries()) {
                LogEntry e = LogEntry.decode(c.entry(), Integer.MAX_VALUE);
                List<LogValue> values = new ArrayList<>(e.values());
                values.add(new LogValue(ctx.self().bytes(), Long.MAX_VALUE - changed.size(), ctx.proposal("lie"), true));
                changed.add(new Wire.Certified(new LogEntry(e.height(), e.previous(), values).encode(),
                        c.certificate()));
            }
            return Wire.entries(lure, changed);
        }
    }
}
