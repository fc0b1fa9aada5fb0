package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.parsec.golden.DotFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates gossip graphs like the reference's benchmark inputs: {@code n} peers gossip with seeded random peers
 * while {@code payloads} opaque votes are interleaved with the gossip (Supermajority: every peer votes every
 * payload; Single: each payload is voted by one peer, in turn), until the first peer has decided them all. The
 * result is the first peer's graph in the reference's dump format, replayable like a recorded graph.
 * Module-internal: for the benchmarks.
 */
public final class BenchmarkGraphs {
    private BenchmarkGraphs() {
    }

    /**
     * @param n peers, at least 1
     * @param payloads opaque payloads to vote
     * @param single Single consensus mode (else Supermajority)
     * @param seed the gossip schedule's seed
     * @return the first peer's graph as a dump
     * @throws IllegalStateException if the payloads are not all decided within a generous step budget
     */
    public static DotFile generate(int n, int payloads, boolean single, long seed) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(GoldenHashing.idOf(String.format("P%02d", i)));
        }
        List<ParsecCore> cores = new ArrayList<>();
        for (NodeId id : ids) {
            String name = GoldenHashing.nameOf(id);
            ParsecCore core = ParsecCore.forGenesis(id, ids, single, new RecordedReplay.StandInSealer(name),
                    GoldenHashing.INSTANCE, in -> true, GoldenHashing::nameOf, new ParsecCore.Listener() {
                    });
            core.processing = cores.isEmpty();
            core.addOwnInitialAndGenesis(new byte[0]);
            cores.add(core);
        }
        SeededRandom random = new SeededRandom(seed);
        int perStep = Math.max(1, payloads / 16);
        int voted = 0;
        for (int step = 0; step < 100_000; step++) {
            for (int v = 0; v < perStep && voted < payloads; v++, voted++) {
                Observation o = new Observation.Opaque(("p" + voted).getBytes(StandardCharsets.UTF_8));
                if (single) {
                    cores.get(voted % n).voteFor(o);
                } else {
                    for (ParsecCore c : cores) {
                        c.voteFor(o);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                ParsecCore src = cores.get(i);
                NodeId peer = src.gossipRecipient(random);
                if (peer == null) {
                    continue;
                }
                ParsecCore dst = cores.get(ids.indexOf(peer));
                List<Event> response = dst.handleRequest(ids.get(i), copy(src, src.createGossip(peer)));
                src.handleResponse(peer, copy(dst, response));
            }
            int decided = cores.get(0).meta.consensusHistory.size() - 1;
            if (voted == payloads && decided >= payloads) {
                return DotFile.parse(DotWriter.write(cores.get(0)));
            }
        }
        throw new IllegalStateException("the generated graph did not decide its " + payloads + " payloads");
    }

    /** Events as a peer receives them. */
    private static List<Incoming> copy(ParsecCore from, List<Event> events) {
        List<Incoming> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(from.toIncoming(e));
        }
        return out;
    }
}
