package dev.bftkit.parsec.golden;

import java.util.Map;

/**
 * One event of a {@link DotFile}.
 *
 * @param id the event's name in the file ({@code A_12}, or {@code C_2,1} for fork 1 of Carol's event 2)
 * @param creator the creator's full peer name
 * @param selfParent the self-parent's id, or null
 * @param otherParent the other-parent's id, or null
 * @param cause the cause
 * @param indexByCreator the index by creator
 * @param forkIndex the fork index (0 unless forked)
 * @param lastAncestors the recorded last ancestors (peer name → index by creator)
 */
record DotEvent(String id, String creator, String selfParent, String otherParent, DotCause cause,
                       int indexByCreator, int forkIndex, Map<String, Integer> lastAncestors) {
    /** Copies the map. */
    DotEvent {
        lastAncestors = Map.copyOf(lastAncestors);
    }
}
