package dev.bftkit.conformance.sim;

import java.util.Set;
import java.util.TreeSet;

/**
 * A committee change in a simulated run: at {@code atMs} every honest member of the committee in force that is up
 * votes for the committee of {@code members} (each with its weight in the scenario), through
 * {@link dev.bftkit.api.spi.DeciderProvider#committeeChange}.
 *
 * @param atMs when the members vote, in virtual milliseconds
 * @param members the node indexes of the committee voted for; copied
 */
public record CommitteeChange(long atMs, Set<Integer> members) {
    /**
     * Validates and copies.
     *
     * @param atMs 0 or more
     * @param members at least one node index
     * @throws IllegalArgumentException if {@code atMs} is negative or {@code members} is empty
     */
    public CommitteeChange {
        if (atMs < 0 || members.isEmpty()) {
            throw new IllegalArgumentException("a committee change needs a time and at least one member");
        }
        members = Set.copyOf(new TreeSet<>(members));
    }
}
