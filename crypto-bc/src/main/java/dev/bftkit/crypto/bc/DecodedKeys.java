package dev.bftkit.crypto.bc;

import dev.bftkit.api.NodeId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The keys this process has decoded and validated, by encoding, shared by every instance of the suite. Validation
 * (a full prime-order subgroup check) costs about as much as a verification, and a node meets the same few keys,
 * its committee's, in every consensus instance, every decision proof and every handshake; the answer is a function
 * of the 32 bytes alone, so a cached key gives exactly the verdict a fresh decode would.
 *
 * <p>Only keys that decoded are kept, and at most {@link #CAPACITY} (plus, for a moment, one per thread adding at
 * the same time): a peer that sends fresh valid keys can make the map forget, never grow. When it is full it is
 * emptied, and the keys in use come back on their next decode.
 * Entries are keyed by the encoding as a {@link NodeId} (a copy, and {@link Comparable}), so keys crafted to
 * collide in their hash codes share a balanced tree, not a list. Thread-safe.
 */
final class DecodedKeys {
    static final int CAPACITY = 1024;

    private final Map<NodeId, BcPublicKey> keys = new ConcurrentHashMap<>();

    /**
     * @param encoded the encoding, 1 to {@link NodeId#MAX_LENGTH} bytes; copied once, and {@code decode} and the
     *     cache see that copy
     * @param decode the full decode; null for an unacceptable key
     * @return the decoded key, from the cache or from {@code decode}; null if {@code decode} refused it
     */
    BcPublicKey get(byte[] encoded, Function<byte[], BcPublicKey> decode) {
        NodeId id = NodeId.of(encoded);
        BcPublicKey known = keys.get(id);
        if (known != null) {
            return known;
        }
        BcPublicKey fresh = decode.apply(id.bytes());
        if (fresh != null) {
            if (keys.size() >= CAPACITY) {
                keys.clear();
            }
            keys.put(id, fresh);
        }
        return fresh;
    }

    /** @return how many keys are held (for tests) */
    int size() {
        return keys.size();
    }
}
