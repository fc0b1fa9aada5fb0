package dev.bftkit.parsec;

/**
 * One event's meta-votes: subject voter (peer index) → its meta-votes (packed, see {@link MetaVote}), in
 * (round, step) order. Array-backed, iterated in peer order.
 */
final class MetaVotes {
    private final int[][] byPeer;
    private int count;

    MetaVotes(int peers) {
        byPeer = new int[peers][];
    }

    /** @return one past the highest peer index that may hold votes */
    int capacity() {
        return byPeer.length;
    }

    /** @return the votes about that voter, or null */
    int[] get(int peer) {
        return peer < byPeer.length ? byPeer[peer] : null;
    }

    void put(int peer, int[] votes) {
        if (byPeer[peer] == null) {
            count++;
        }
        byPeer[peer] = votes;
    }

    boolean isEmpty() {
        return count == 0;
    }
}
