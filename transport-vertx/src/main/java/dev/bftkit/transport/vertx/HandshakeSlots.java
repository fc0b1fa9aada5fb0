package dev.bftkit.transport.vertx;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who may hold a connection mid-handshake. Every connection counts against its source address's limit ({@code
 * perSource}). An address that a member has completed a handshake from (a <i>proven</i> address; the latest {@code
 * maxProven} are remembered) has slots of its own beyond that: its new connections take no shared slot and are never
 * pushed out, so a member that redials from where it was is not kept out by anyone at another address. Connections
 * from other addresses share {@code shared} slots; when they are all taken, a newcomer from an address holding fewer
 * than the busiest pushes out the oldest connection of the addresses holding the most (see {@link #victimFor}).
 * Runs on the loop only.
 */
final class HandshakeSlots {
    private final int shared;
    private final int perSource;
    private final Map<String, Integer> bySource = new HashMap<>();
    /** Connections in shared slots, oldest first. */
    private final Set<AcceptorConnection> inShared = new LinkedHashSet<>();
    private final Recent<Boolean> proven;
    private volatile int held;

    /**
     * @param shared the slots connections from addresses not proven share
     * @param perSource the most connections one address may hold mid-handshake
     * @param maxProven how many proven addresses are remembered
     */
    HandshakeSlots(int shared, int perSource, int maxProven) {
        this.shared = shared;
        this.perSource = perSource;
        this.proven = new Recent<>(maxProven);
    }

    /** @return the most connections one address may hold mid-handshake */
    int perSource() {
        return perSource;
    }

    /** @return how many connections the address holds mid-handshake */
    int heldBy(String source) {
        return bySource.getOrDefault(source, 0);
    }

    /** @return how many connections are mid-handshake, in shared slots or not */
    int inProgress() {
        return held;
    }

    /** @return true if a member has completed a handshake from the address (among the latest remembered) */
    boolean isProven(String source) {
        return proven.containsKey(source);
    }

    /** A member completed a handshake from the address. */
    void prove(String source) {
        proven.put(source, Boolean.TRUE);
    }

    /** @return true if a new connection from the address needs a shared slot and none is free */
    boolean sharedFullFor(String source) {
        return !isProven(source) && inShared.size() >= shared;
    }

    /**
     * The shared slots are all taken and a connection from {@code source} wants one.
     *
     * @return the oldest connection in a shared slot among those of the addresses that hold the most, if those hold
     *     more than {@code source} does; else null (the newcomer is refused)
     */
    AcceptorConnection victimFor(String source) {
        int most = 0;
        for (AcceptorConnection a : inShared) {
            most = Math.max(most, heldBy(a.source()));
        }
        if (most <= heldBy(source)) {
            return null;
        }
        for (AcceptorConnection a : inShared) {
            if (heldBy(a.source()) == most) {
                return a;
            }
        }
        return null;
    }

    /** A connection began its handshake: in a slot of its address's own if that is proven, else a shared one. */
    void add(AcceptorConnection a) {
        held++;
        bySource.merge(a.source(), 1, Integer::sum);
        if (!isProven(a.source())) {
            inShared.add(a);
        }
    }

    /** A connection finished its handshake or closed before: its slot is free. */
    void remove(AcceptorConnection a) {
        held--;
        bySource.computeIfPresent(a.source(), (source, n) -> n > 1 ? n - 1 : null);
        inShared.remove(a);
    }
}
