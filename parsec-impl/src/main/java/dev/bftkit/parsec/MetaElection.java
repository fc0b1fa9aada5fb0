package dev.bftkit.parsec;

import java.util.ArrayList;
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

    static final class Interesting {
        final List<Integer> events = new ArrayList<>();
        final Set<ObservationKey> contents = new HashSet<>();
    }

    private int[] voterArray;

    MetaElection(Set<Integer> voters) {
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
            addInterestingEvent(event.creator, event.index, meta.interestingContent);
        }
        metaEvents.put(event.index, meta);
    }

    /** @return the meta-votes of the event if it has any */
    MetaVotes populatedMetaVotes(int eventIndex) {
        MetaEvent m = metaEvents.get(eventIndex);
        return m == null || m.metaVotes.isEmpty() ? null : m.metaVotes;
    }

    /** @return the content of the voter's first interesting event, or null */
    List<ObservationKey> interestingContentBy(int creator) {
        Interesting i = interestingEvents.get(creator);
        if (i == null || i.events.isEmpty()) {
            return null;
        }
        MetaEvent m = metaEvents.get(i.events.get(0));
        return m == null ? null : m.interestingContent;
    }

    boolean isAlreadyInterestingContent(int creator, ObservationKey key) {
        Interesting i = interestingEvents.get(creator);
        return i != null && i.contents.contains(key);
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
    void newElection(Graph graph, List<ObservationKey> decided, List<int[]> peerListChanges) {
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
        for (int i = newStart; i < graph.size() && i < continueStart; i++) {
            MetaEvent m = metaEvents.get(i);
            if (m != null && !m.interestingContent.isEmpty()) {
                addInterestingEvent(graph.get(i).creator, i, m.interestingContent);
            }
        }
        consensusHistory.addAll(decided);
    }

    private void addInterestingEvent(int creator, int eventIndex, List<ObservationKey> content) {
        Interesting i = interestingEvents.computeIfAbsent(creator, k -> new Interesting());
        i.events.add(eventIndex);
        i.contents.addAll(content);
    }
}
