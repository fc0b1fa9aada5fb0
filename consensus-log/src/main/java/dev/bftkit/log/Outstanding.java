package dev.bftkit.log;

import dev.bftkit.api.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The inner Deciders' requests still waiting for an answer, per peer and segment. An inner Decider must hear about
 * each of its requests once, as a response or as a failure (Streamlette, for one, asks a peer again only then); when
 * the log itself answers for it (the peer is in another segment, or sent bytes the log refuses) the log tells the
 * inner Decider the request failed. Holds counts for the two segments the log serves only.
 */
final class Outstanding {
    private final Map<NodeId, TreeMap<Long, Integer>> bySegment = new HashMap<>();

    void sent(NodeId peer, long segment) {
        bySegment.computeIfAbsent(peer, p -> new TreeMap<>()).merge(segment, 1, Integer::sum);
    }

    /** {@return true if a request to {@code peer} for {@code segment} was waiting (it no longer is)} */
    boolean answered(NodeId peer, long segment) {
        TreeMap<Long, Integer> m = bySegment.get(peer);
        Integer n = m == null ? null : m.get(segment);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            m.remove(segment);
        } else {
            m.put(segment, n - 1);
        }
        return true;
    }

    /** {@return the segment of the oldest request to {@code peer} still waiting, which no longer is; or none} */
    OptionalLong failed(NodeId peer) {
        TreeMap<Long, Integer> m = bySegment.get(peer);
        if (m == null || m.isEmpty()) {
            return OptionalLong.empty();
        }
        long segment = m.firstKey();
        answered(peer, segment);
        return OptionalLong.of(segment);
    }

    boolean waiting(NodeId peer) {
        TreeMap<Long, Integer> m = bySegment.get(peer);
        return m != null && !m.isEmpty();
    }

    /** Forgets the requests of segments below {@code segment}: they are no longer served. */
    void forgetBelow(long segment) {
        for (TreeMap<Long, Integer> m : bySegment.values()) {
            m.headMap(segment).clear();
        }
    }
}
