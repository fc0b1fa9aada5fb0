package dev.bftkit.log;

import dev.bftkit.api.NodeId;

/**
 * The application's state, kept by the log: the log applies every committed entry to it, in height order, once; at
 * each checkpoint height it takes a snapshot, and the members sign its digest with their commit votes. Below the
 * last certified snapshot the log prunes its entries; a member that restarts restores its own last snapshot and
 * applies the entries after it, and a member too far behind restores a peer's snapshot, checked against the
 * certified digest.
 *
 * <p>The log calls a state machine on the node's thread only, during one of its steps: {@link #apply} must be
 * deterministic (the same entries give the same state on every member, and the same {@link #snapshot()} bytes), and
 * each call should return quickly. A state machine that other threads read must make those reads safe itself.
 */
public interface StateMachine {
    /**
     * Applies a committed entry. Each value is marked fresh or not: a value not fresh repeats a client request the
     * log holds already, and an application keeping at-most-once semantics skips it
     * ({@link LogEntry#freshPayloads()}).
     *
     * @param entry the entry at the next height
     */
    void apply(LogEntry entry);

    /**
     * {@return the state after the last entry applied, as bytes: equal on every member that applied the same
     * entries; at most {@code log.maxSnapshotBytes} with the log's own state}
     */
    byte[] snapshot();

    /**
     * Replaces the whole state with a snapshot's.
     *
     * @param snapshot bytes {@link #snapshot()} returned on this member or another, whose digest the committee
     *     certified
     */
    void restore(byte[] snapshot);

    /** Makes the state machine of each member, each time the log starts on it. */
    @FunctionalInterface
    interface Factory {
        /**
         * {@return a state machine in its initial state (the state before height 0)}
         *
         * @param self the member it runs on
         */
        StateMachine create(NodeId self);
    }

    /** {@return a state machine without state: the log's snapshots hold the log's own state only} */
    static StateMachine none() {
        return new StateMachine() {
            @Override
            public void apply(LogEntry entry) {
            }

            @Override
            public byte[] snapshot() {
                return new byte[0];
            }

            @Override
            public void restore(byte[] snapshot) {
            }
        };
    }
}
