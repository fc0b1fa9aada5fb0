package dev.bftkit.parsec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a live Decider lets any one creator put into its graph, so that what a Byzantine member can make an honest
 * node hold is bounded by the honest progress the node has seen, whatever the member signs. Recorded graphs are
 * replayed without it.
 *
 * <p>Honest progress is {@code M}, the (f + 1)-th longest chain (events by index by creator) among all the creators
 * in our graph, with f = ⌊(n − 1)/3⌋ for a committee of n: of the f + 1 longest chains at least one is an honest
 * member's, so the Byzantine members cannot raise M on their own. Then, for every creator c other than us:
 * <ul>
 *   <li><b>height</b>: an event of c at index by creator i is taken only if i ≤ N = {@value #ALPHA}·(M + 1) +
 *       {@value #BETA} (a live node signs no Requesting that sees nothing new, {@link ParsecCore#gossipTo}, so an
 *       honest chain grows by what it answers and by its answered exchanges, each of which grows a peer's chain too;
 *       a refused event is taken once M has grown, so nothing a peer sends first can use up the room);</li>
 *   <li><b>forks</b>: the first two events of c at one index are taken as they come (the second is the proof of the
 *       fork, which the malice detector accuses); a further one only when the same message carries a later event,
 *       by another creator d of whom we hold no fork, that descends from it, and d has carried fewer than 2(N + 1)
 *       such events of c. An honest member never forks and builds only on events it took, so every event an honest
 *       member built on reaches us carried by that member's own events, and an honest carrier carries at most the
 *       two per index it took as they came.</li>
 * </ul>
 * So a non-forking creator has at most N + 1 events here, and any creator at most 2(N + 1) taken as they came plus
 * 2(N + 1) carried by each of the other n − 1 creators: {@link #perCreator} = 2n(N + 1) events. Our own events are
 * our progress and are not capped (one per accepted message, per gossip, per vote and per accusation: a peer makes us
 * sign a Request only with a Requesting of its own, which the caps above count). The Decider's footprint bound is
 * our own events plus (n − 1) · 2n(N + 1) events of at most {@code parsec.maxEventBytes} each.
 */
final class Admission {
    /**
     * An event this rule does not take now. Its message goes on without it and without what builds on it there; the
     * sender offers it again with its next message, and it is taken once honest progress or a carrier allows.
     * {@link ParsecError.Kind#OVER_LIMIT} for an event above the height cap, {@link ParsecError.Kind#UNCARRIED_FORK}
     * for a further fork that no other creator carries, {@link ParsecError.Kind#INVALID_PEER_STATE} for an event of a
     * removed creator, past its removal here, that no other member carries ({@link #carriedByMember}).
     */
    static final class Refused extends ParsecError {
        private static final long serialVersionUID = 1L;
        private final String detail;

        Refused(Kind kind, String detail) {
            super(kind, detail);
            this.detail = detail;
        }

        /** {@return what was wrong with the event, without the kind} */
        String detail() {
            return detail;
        }
    }

    /** The height cap's factor on honest progress. */
    static final int ALPHA = 2;
    /** The height cap's allowance: how far an honest chain may run ahead of the (f + 1)-th longest. */
    static final int BETA = 256;

    private final PeerList peers;
    private final Mutations mutations;
    private final int members;
    private final int faulty;
    /** (carrier << 32 | creator) → events of creator taken on carrier's events; looked up only, never iterated. */
    private final Map<Long, Integer> carried = new HashMap<>();
    private List<Incoming> message = List.of();
    private BitSet[] carriers;
    private long cap;

    /**
     * @param peers the core's peer list, read only
     * @param members the committee size, n
     * @param mutations planted defects ({@link Mutations#NONE} but in mutation tests)
     */
    Admission(PeerList peers, int members, Mutations mutations) {
        this.peers = peers;
        this.mutations = mutations;
        this.members = members;
        this.faulty = (members - 1) / 3;
    }

    /** @return M, the (f + 1)-th longest chain in our graph (0 while fewer than f + 1 creators have events) */
    long honestProgress() {
        int[] lengths = new int[peers.size()];
        for (int p = 0; p < lengths.length; p++) {
            lengths[p] = peers.get(p).chainLength();
        }
        Arrays.sort(lengths);
        int at = lengths.length - 1 - faulty;
        return at < 0 ? 0 : lengths[at];
    }

    /** @return N, the highest index by creator we take from any creator but us */
    long heightCap() {
        return ALPHA * (honestProgress() + 1) + BETA;
    }

    /** @return the most events of one creator this graph can hold: 2n(N + 1) */
    long perCreator() {
        return 2L * members * (heightCap() + 1);
    }

    /** A received message starts; its events are then offered to {@link #admit} in order. */
    void begin(List<Incoming> events) {
        message = events;
        carriers = null;
        cap = heightCap();
    }

    /**
     * Takes or refuses a received event, before anything of it is stored.
     *
     * @param c its creator's peer index
     * @param indexByCreator its index by creator
     * @param forkIndex how many events of c at that index we hold already
     * @param position its place in the current message
     * @throws Refused if not taken now
     */
    void admit(int c, int indexByCreator, int forkIndex, int position) {
        if (c == PeerList.OUR) {
            return;
        }
        if (indexByCreator > cap && indexByCreator > (cap = heightCap())) {
            throw new Refused(ParsecError.Kind.OVER_LIMIT, "event " + indexByCreator + " by "
                    + peers.get(c).name + " runs beyond " + cap + ", the height our honest progress admits");
        }
        if (forkIndex < 2 || mutations.unboundedForks()) {
            return;
        }
        int d = carrier(position, c);
        if (d < 0) {
            throw new Refused(ParsecError.Kind.UNCARRIED_FORK, "a further fork of " + peers.get(c).name
                    + " at " + indexByCreator + ", which holds " + forkIndex + " of its events already, that no other"
                    + " non-forking creator's event in the message builds on");
        }
        carried.merge(key(d, c), 1, Integer::sum);
    }

    private static long key(int carrier, int creator) {
        return (long) carrier << 32 | creator;
    }

    /** @return the lowest peer index that may carry the event at {@code position} of creator c, or -1 */
    private int carrier(int position, int c) {
        if (carriers == null) {
            carriers = descendantCreators(message);
        }
        BitSet ds = carriers[position];
        long limit = 2 * (cap + 1);
        for (int d = ds.nextSetBit(0); d >= 0; d = ds.nextSetBit(d + 1)) {
            if (d != c && !peers.get(d).hasFork() && carried.getOrDefault(key(d, c), 0) < limit) {
                return d;
            }
        }
        return -1;
    }

    /**
     * Whether an event later in the message, by another creator that may still send and of whom we hold no fork,
     * descends from the event at {@code position} by creator c. An honest member builds only on events it took, so
     * an event of a removed creator that honest members took before they decided the removal (a decision reached
     * at an event they held before it) reaches us carried by their events; one nobody carries is held back.
     */
    boolean carriedByMember(int position, int c) {
        if (carriers == null) {
            carriers = descendantCreators(message);
        }
        BitSet ds = carriers[position];
        for (int d = ds.nextSetBit(0); d >= 0; d = ds.nextSetBit(d + 1)) {
            if (d != c && d != PeerList.OUR && PeerState.contains(peers.get(d).state, PeerState.SEND)
                    && !peers.get(d).hasFork()) {
                return true;
            }
        }
        return false;
    }

    /** For each event of the message, the peer indices of the creators of its descendants later in the message. */
    private BitSet[] descendantCreators(List<Incoming> events) {
        Map<ByteBuffer, Integer> at = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            at.putIfAbsent(ByteBuffer.wrap(events.get(i).hash()), i);
        }
        BitSet[] out = new BitSet[events.size()];
        for (int i = events.size() - 1; i >= 0; i--) {
            out[i] = out[i] == null ? new BitSet() : out[i];
            Incoming e = events.get(i);
            BitSet mine = (BitSet) out[i].clone();
            int creator = peers.indexOf(e.creator());
            if (creator >= 0) {
                mine.set(creator);
            }
            for (byte[] parent : new byte[][] {e.selfParent(), e.otherParent()}) {
                Integer p = parent == null ? null : at.get(ByteBuffer.wrap(parent));
                if (p != null && p < i) {
                    out[p] = out[p] == null ? new BitSet() : out[p];
                    out[p].or(mine);
                }
            }
        }
        return out;
    }
}
