package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.ArrayList;
import java.util.List;

/** One peer in the {@link PeerList}: identity, state bits and the events it created, by index-by-creator. */
final class Peer {
    private static final int[] NONE = new int[0];

    final NodeId id;
    /** A readable, alphanumeric name for DOT output. */
    final String name;
    int state;
    /** The graph index of the event that decided this peer's removal, or -1. */
    int removalEvent = -1;
    /** Graph index from which accomplice detection resumes, or -1. */
    int accompliceCheckpoint = -1;
    /** The graph index of this peer's latest Requesting that our own Request answers, or -1. */
    int answeredRequesting = -1;
    /** The graph index of our Request answering {@link #answeredRequesting}, or -1. */
    int ourAnswer = -1;
    /** The graph index of this peer's latest Request that our own Response answers, or -1. */
    int respondedRequest = -1;
    /** events.get(i): graph indices of this peer's events at index-by-creator i, forks in arrival order. */
    private final ArrayList<int[]> events = new ArrayList<>();
    private int lastEvent = -1;

    Peer(NodeId id, String name, int state) {
        this.id = id;
        this.name = name;
        this.state = state;
    }

    void addEvent(int indexByCreator, int eventIndex) {
        while (events.size() <= indexByCreator) {
            events.add(NONE);
        }
        int[] old = events.get(indexByCreator);
        int[] now = java.util.Arrays.copyOf(old, old.length + 1);
        now[old.length] = eventIndex;
        events.set(indexByCreator, now);
        if (indexByCreator == events.size() - 1) {
            lastEvent = eventIndex;
        }
    }

    /** @return the graph indices of the events at that index by creator (forks in arrival order) */
    int[] eventsAt(int indexByCreator) {
        return indexByCreator >= 0 && indexByCreator < events.size() ? events.get(indexByCreator) : NONE;
    }

    /** @return the graph index of the latest event (highest index by creator), or -1 */
    int lastEvent() {
        return lastEvent;
    }

    /** @return how many indices by creator are held */
    int chainLength() {
        return events.size();
    }

    boolean hasFork() {
        for (int[] e : events) {
            if (e.length > 1) {
                return true;
            }
        }
        return false;
    }

    boolean hasForkAt(int indexByCreator) {
        return eventsAt(indexByCreator).length > 1;
    }

    /** @return every event index with index by creator at least {@code first} */
    List<Integer> eventsFrom(int first) {
        List<Integer> out = new ArrayList<>();
        for (int i = Math.max(0, first); i < events.size(); i++) {
            for (int e : events.get(i)) {
                out.add(e);
            }
        }
        return out;
    }

    /** @return all event indices, in index-by-creator order */
    List<Integer> allEvents() {
        return eventsFrom(0);
    }
}
