package dev.bftkit.transport.vertx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps at most {@code capacity} entries, forgetting the one used longest ago first: what the transport
 * remembers per source address, bounded whatever the number of addresses an attacker has.
 *
 * @param <V> what is remembered per key
 */
final class Recent<V> extends LinkedHashMap<String, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    /** @param capacity the most entries kept */
    Recent(int capacity) {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
    }
}
