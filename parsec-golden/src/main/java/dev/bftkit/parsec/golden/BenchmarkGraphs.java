package dev.bftkit.parsec.golden;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.parsec.ParsecReplica;
import dev.bftkit.parsec.ParsecReplica.GraphEvent;
import dev.bftkit.parsec.ParsecReplica.Vote;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates gossip graphs like the reference's benchmark inputs: {@code n} peers gossip with seeded random peers
 * while {@code payloads} opaque votes are interleaved with the gossip (Supermajority: every peer votes every
 * payload; Single: each payload is voted by one peer, in turn), until the first peer has decided them all. The
 * result is the first peer's graph in the reference's dump format, replayable like a recorded graph. For the
 * benchmarks.
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
        List<ParsecReplica> replicas = new ArrayList<>();
        for (NodeId id : ids) {
            replicas.add(ParsecReplica.fromGenesis(id, ids, single, GoldenHashing.INSTANCE, replicas.isEmpty()));
        }
        SeededRandom random = new SeededRandom(seed);
        int perStep = Math.max(1, payloads / 16);
        int voted = 0;
        for (int step = 0; step < 100_000; step++) {
            for (int v = 0; v < perStep && voted < payloads; v++, voted++) {
                Vote vote = new Vote.Opaque(("p" + voted).getBytes(StandardCharsets.UTF_8));
                if (single) {
                    replicas.get(voted % n).vote(vote);
                } else {
                    for (ParsecReplica r : replicas) {
                        r.vote(vote);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                ParsecReplica src = replicas.get(i);
                NodeId peer = src.gossipPeer(random);
                if (peer == null) {
                    continue;
                }
                List<GraphEvent> response = replicas.get(ids.indexOf(peer)).onRequest(ids.get(i), src.gossipTo(peer));
                src.onResponse(peer, response);
            }
            int decided = replicas.get(0).decisions().size() - 1;
            if (voted == payloads && decided >= payloads) {
                return DotFile.parse(replicas.get(0).toDot());
            }
        }
        throw new IllegalStateException("the generated graph did not decide its " + payloads + " payloads");
    }
}
