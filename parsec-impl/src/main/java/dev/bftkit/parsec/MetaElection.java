package dev.bftkit.parsec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The state of the current meta-election (the reference's {@code src/meta_voting/meta_election.rs}). */
final class MetaElection {
    /** Graph index → meta-event. */
    final HashMap<Integer, MetaEvent> metaEvents = new HashMap<>();
    /** The voters of this election, by peer index. */
    final TreeSet<Integer> voters;
    /** Per voter: the indices of its interesting events, and every key they found interesting. */
    final TreeMap<Integer, Interesting> interestingEvents = new TreeMap<>();
    /** Events carrying a not yet consensused payload, in graph order. */
    final IntList unconsensused = new IntList();
    /** The same events by key. */
    final HashMap<ObservationKey, IntList> unconsensusedByKey = new HashMap<>();
    /** Decided keys, in order. */
    final List<ObservationKey> consensusHistory = new ArrayList<>();
    int continueStart;
    int newStart;

    /**
     * Voter → the first interesting events of that voter (see {@link #firstInteresting}) that this election's
     * observers strongly see. One event per voter whenever no more than a third of the voters misbehave.
     */
    final TreeMap<Integer, TreeSet<Integer>> observed = new TreeMap<>();

    /** One voter's interesting events of this election, in processing order, each with the keys it found. */
    static final class Interesting {
        final List<Integer> events = new ArrayList<>();
        final List<List<ObservationKey>> contents = new ArrayList<>();
        /** The graph indices of the voter's first interesting events ({@link #firstInteresting}). */
        final List<Integer> firsts = new ArrayList<>();
    }

    private int[] voterArray;
    private final Graph graph;

    MetaElection(Graph graph, Set<Integer> voters) {
        this.graph = graph;
        this.voters = new TreeSet<>(voters);
    }

    /** @return the voters in peer order, as an array (do not change it) */
    int[] voterArray() {
        if (voterArray == null) {
            voterArray = voters.stream().mapToInt(Integer::intValue).toArray();
        }
        return voterArray;
    }

    void addMetaEvent(Event event, MetaEvent meta) {
        if (!meta.interestingContent.isEmpty()) {
            addInterestingEvent(event, meta.interestingContent);
        }
        if (meta.isObserver()) {
            for (Map.Entry<Integer, Integer> seen : meta.observees.entrySet()) {
                observed.computeIfAbsent(seen.getKey(), k -> new TreeSet<>()).add(seen.getValue());
            }
        }
        metaEvents.put(event.index, meta);
    }

    /** @return the meta-votes of the event if it has any */
    MetaVotes populatedMetaVotes(int eventIndex) {
        MetaEvent m = metaEvents.get(eventIndex);
        return m == null || m.metaVotes.isEmpty() ? null : m.metaVotes;
    }

    /**
     * The voter's first interesting events: those of its interesting events with no interesting self-ancestor in
     * this election. One for a voter that never forked (its first on its chain); a forking voter may have one per
     * branch. Which events these are depends on the graph's content, not on the order it was inserted in.
     *
     * @return graph indices, in processing order
     */
    List<Integer> firstInteresting(int voter) {
        Interesting i = interestingEvents.get(voter);
        return i == null ? List.of() : Collections.unmodifiableList(i.firsts);
    }

    /**
     * The keys that the creator's interesting events among the event's self-ancestors found interesting in this
     * election: an event's interesting content leaves them out. Events on another branch of a forking creator
     * do not count, so the content is a function of the event's ancestry.
     */
    Set<ObservationKey> interestingToSelfAncestors(Event event) {
        Interesting i = interestingEvents.get(event.creator);
        if (i == null) {
            return Set.of();
        }
        Set<ObservationKey> out = new HashSet<>();
        for (int a = 0; a < i.events.size(); a++) {
            if (event.isDescendantOf(graph.get(i.events.get(a)))) {
                out.addAll(i.contents.get(a));
            }
        }
        return out;
    }

    void addUnconsensusedEvent(int eventIndex, ObservationKey key) {
        unconsensused.add(eventIndex);
        unconsensusedByKey.computeIfAbsent(key, k -> new IntList()).add(eventIndex);
    }

    /** @return the unconsensused events carrying the key, in graph order */
    IntList unconsensusedEvents(ObservationKey key) {
        IntList s = unconsensusedByKey.get(key);
        return s == null ? EMPTY : s;
    }

    private static final IntList EMPTY = new IntList();

    /** Starts the next election after {@code decided}; the reference's {@code new_election}. */
    void newElection(List<ObservationKey> decided, List<int[]> peerListChanges) {
        boolean peerListChanged = !peerListChanges.isEmpty();
        voterArray = null;
        for (int[] change : peerListChanges) {
            if (change[0] > 0) {
                voters.add(change[1]);
            } else {
                voters.remove(change[1]);
            }
        }
        for (ObservationKey key : decided) {
            IntList removed = unconsensusedByKey.remove(key);
            if (removed != null) {
                unconsensused.removeAll(removed);
            }
        }
        newStart = unconsensused.isEmpty() ? graph.size() : unconsensused.first();
        if (peerListChanged) {
            continueStart = newStart;
        } else {
            int firstObserver = Integer.MAX_VALUE;
            for (Map.Entry<Integer, MetaEvent> e : metaEvents.entrySet()) {
                if (e.getValue().isObserver()) {
                    firstObserver = Math.min(firstObserver, e.getKey());
                }
            }
            continueStart = Math.max(firstObserver == Integer.MAX_VALUE ? newStart : firstObserver, newStart);
        }
        if (peerListChanged) {
            metaEvents.clear();
        } else {
            Set<ObservationKey> decidedSet = new HashSet<>(decided);
            for (Iterator<Map.Entry<Integer, MetaEvent>> it = metaEvents.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Integer, MetaEvent> e = it.next();
                if (e.getKey() < newStart) {
                    it.remove();
                } else {
                    e.getValue().interestingContent.removeIf(decidedSet::contains);
                }
            }
        }
        interestingEvents.clear();
        observed.clear();
        for (int i = newStart; i < graph.size() && i < continueStart; i++) {
            MetaEvent m = metaEvents.get(i);
            if (m != null && !m.interestingContent.isEmpty()) {
                addInterestingEvent(graph.get(i), m.interestingContent);
            }
        }
        consensusHistory.addAll(decided);
    }

    /** Appends an interesting event; it is a first one unless it descends from an earlier first one. */
    private void addInterestingEvent(Event event, List<ObservationKey> content) {
        Interesting i = interestingEvents.computeIfAbsent(event.creator, k -> new Interesting());
        i.events.add(event.index);
        i.contents.add(content);
        if (firstInteresting(event.creator).stream().noneMatch(f -> event.isDescendantOf(graph.get(f)))) {
            i.firsts.add(event.index);
        }
    }
}
