package dev.bftkit.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An append-only, bounded record of the misbehaviour a Decider has seen, in the order it was seen. It keeps a fault
 * while the log holds fewer than {@code capacity} faults in all, and its offender fewer than {@code perOffender}
 * faults and {@code perOffenderBytes} bytes of evidence; it counts the rest as dropped. So a flood cannot exhaust
 * memory, and one offender cannot crowd the evidence against others out: a log whose offenders are k members holds
 * at most {@code min(capacity, k × perOffender)} faults and {@code k × perOffenderBytes} bytes. Not thread-safe: it
 * belongs to its Decider's thread; {@link #entries()} gives an immutable copy to hand elsewhere.
 */
public final class FaultLog {
    /** The default capacity. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** The default number of faults kept per offender. */
    public static final int DEFAULT_PER_OFFENDER = 16;
    /** The default bound on the evidence bytes kept per offender. */
    public static final long DEFAULT_PER_OFFENDER_BYTES = 4L << 20;

    private final int capacity;
    private final int perOffender;
    private final long perOffenderBytes;
    private final List<Fault> faults = new ArrayList<>();
    private final Map<NodeId, long[]> byOffender = new TreeMap<>(); // {faults, bytes}
    private long bytes;
    private long dropped;

    /** A log with {@link #DEFAULT_CAPACITY}, {@link #DEFAULT_PER_OFFENDER} and {@link #DEFAULT_PER_OFFENDER_BYTES}. */
    public FaultLog() {
        this(DEFAULT_CAPACITY, DEFAULT_PER_OFFENDER, DEFAULT_PER_OFFENDER_BYTES);
    }

    /**
     * An empty log that keeps the first {@code capacity} faults (at most {@link #DEFAULT_PER_OFFENDER} and
     * {@link #DEFAULT_PER_OFFENDER_BYTES} per offender) and counts the rest.
     *
     * @param capacity how many faults to keep, at least 1
     * @throws IllegalArgumentException if {@code capacity} is less than 1
     */
    public FaultLog(int capacity) {
        this(capacity, DEFAULT_PER_OFFENDER, DEFAULT_PER_OFFENDER_BYTES);
    }

    /**
     * An empty log with explicit bounds.
     *
     * @param capacity how many faults to keep in all, at least 1
     * @param perOffender how many faults to keep per offender, at least 1
     * @param perOffenderBytes how many bytes of evidence (and detail) to keep per offender, at least 0
     * @throws IllegalArgumentException if a bound is out of range
     */
    public FaultLog(int capacity, int perOffender, long perOffenderBytes) {
        if (capacity < 1 || perOffender < 1 || perOffenderBytes < 0) {
            throw new IllegalArgumentException("capacity and perOffender must be positive, perOffenderBytes not"
                    + " negative");
        }
        this.capacity = capacity;
        this.perOffender = perOffender;
        this.perOffenderBytes = perOffenderBytes;
    }

    /**
     * Records a fault, or counts it as dropped when the log or its offender's share is full.
     *
     * @param fault the fault
     * @return true if it was kept
     */
    public boolean add(Fault fault) {
        long size = fault.size();
        long[] mine = byOffender.getOrDefault(fault.offender(), new long[2]);
        if (faults.size() >= capacity || mine[0] >= perOffender || size > perOffenderBytes - mine[1]) {
            dropped++;
            return false;
        }
        faults.add(fault);
        mine[0]++;
        mine[1] += size;
        byOffender.put(fault.offender(), mine);
        bytes += size;
        return true;
    }

    /** {@return the bytes of evidence and detail kept} */
    public long bytes() {
        return bytes;
    }

    /**
     * {@return the most faults this log keeps when they name at most {@code offenders} distinct offenders}
     *
     * @param offenders how many distinct offenders there can be (for a Decider, its committee's size)
     */
    public long maxEntries(int offenders) {
        return Math.min(capacity, (long) offenders * perOffender);
    }

    /**
     * {@return the most evidence bytes this log keeps when they name at most {@code offenders} distinct offenders}
     *
     * @param offenders how many distinct offenders there can be (for a Decider, its committee's size)
     */
    public long maxBytes(int offenders) {
        return offenders * perOffenderBytes;
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
