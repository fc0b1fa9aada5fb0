package dev.bftkit.streamlette;

import dev.bftkit.api.Committee;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The seeded, stake-weighted leader schedule: leader(tick) is drawn from a {@link SeededRandom} stream seeded by the leader
 * seed and the tick, proportionally to weight, by walking the members in node-id order with a running sum (as the
 * reference walks public keys in order). Zero-weight members are never chosen. Deterministic and identical on
 * every node that shares the committee and the seed; memoized per tick within a bound.
 */
final class Leaders {
    private static final int CACHE = 4096;
    private final Committee committee;
    private final long seed;
    private final Map<Long, NodeId> cache = new HashMap<>();

    Leaders(Committee committee, long seed) {
        this.committee = committee;
        this.seed = seed;
    }

    NodeId leader(long tick) {
        NodeId cached = cache.get(tick);
        if (cached != null) {
            return cached;
        }
        long point = new SeededRandom(SeededRandom.mix(seed) ^ SeededRandom.mix(tick + 0x632be59bd9b4e019L))
                .nextLong(committee.totalWeight());
        long sum = 0;
        NodeId chosen = null;
        for (int i = 0; i < committee.size(); i++) {
            NodeId id = committee.member(i);
            sum += committee.weight(id);
            if (sum > point) {
                chosen = id;
                break;
            }
        }
        if (cache.size() >= CACHE) {
            cache.clear();
        }
        cache.put(tick, chosen);
        return chosen;
    }
}
