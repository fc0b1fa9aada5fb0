package dev.bftkit.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An append-only, bounded record of the misbehaviour a Decider has seen, in the order it was seen. When full it
 * keeps the first {@code capacity} faults and counts the rest, so a flood cannot exhaust memory. Not thread-safe:
 * it belongs to its Decider's thread; {@link #entries()} gives an immutable copy to hand elsewhere.
 */
public final class FaultLog {
    /** The default capacity. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final int capacity;
    private final List<Fault> faults = new ArrayList<>();
    private long dropped;

    /** A log with {@link #DEFAULT_CAPACITY}. */
    public FaultLog() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * An empty log that keeps the first {@code capacity} faults and counts the rest.
     *
     * @param capacity how many faults to keep, at least 1
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public FaultLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /**
     * Records a fault, or counts it as dropped when the log is full.
     *
     * @param fault the fault
     */
    public void add(Fault fault) {
        if (faults.size() < capacity) {
            faults.add(fault);
        } else {
            dropped++;
        }
    }

    /** {@return an immutable copy of the kept faults, oldest first} */
    public List<Fault> entries() {
        return List.copyOf(faults);
    }

    /** {@return the number of faults kept} */
    public int size() {
        return faults.size();
    }

    /** {@return true if no fault was recorded} */
    public boolean isEmpty() {
        return faults.isEmpty() && dropped == 0;
    }

    /** {@return how many faults arrived after the log was full} */
    public long dropped() {
        return dropped;
    }

    /** {@return every node named as an offender, in node order} */
    public Set<NodeId> offenders() {
        Set<NodeId> out = new TreeSet<>();
        for (Fault f : faults) {
            out.add(f.offender());
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public String toString() {
        return "FaultLog[" + faults.size() + " kept, " + dropped + " dropped]";
    }
}
