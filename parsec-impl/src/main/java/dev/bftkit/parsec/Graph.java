package dev.bftkit.parsec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** The gossip graph: events in insertion (topological) order, found by index or hash. Never pruned. */
final class Graph {
    private final List<Event> events = new ArrayList<>();
    private final HashMap<ByteBuffer, Integer> byHash = new HashMap<>();
    private long bytes;
    private int ownEvents;
    private long ownBytes;

    int size() {
        return events.size();
    }

    /** @return the bytes of every event's wire encoding */
    long bytes() {
        return bytes;
    }

    /** @return how many of the events are ours */
    int ownEvents() {
        return ownEvents;
    }

    /** @return the bytes of our own events' wire encodings */
    long ownBytes() {
        return ownBytes;
    }

    Event get(int index) {
        return events.get(index);
    }

    /** @return the index of the event with that hash, or -1 */
    int indexOf(byte[] hash) {
        Integer i = byHash.get(ByteBuffer.wrap(hash));
        return i == null ? -1 : i;
    }

    boolean contains(byte[] hash) {
        return byHash.containsKey(ByteBuffer.wrap(hash));
    }

    void add(Event e) {
        if (e.index != events.size()) {
            throw new IllegalStateException("event index " + e.index + " is not the next index " + events.size());
        }
        events.add(e);
        byHash.put(ByteBuffer.wrap(e.hash), e.index);
        bytes += e.wire == null ? 0 : e.wire.length;
        if (e.creator == PeerList.OUR) {
            ownEvents++;
            ownBytes += e.wire == null ? 0 : e.wire.length;
        }
    }

    /** The nearest self-ancestor (strict) that is a sync event, or null. */
    Event selfSyncParent(Event e) {
        int p = e.selfParent;
        while (p >= 0) {
            Event parent = events.get(p);
            if (parent.isSync()) {
                return parent;
            }
            p = parent.selfParent;
        }
        return null;
    }

    List<Event> events() {
        return java.util.Collections.unmodifiableList(events);
    }
}
