package dev.bftkit.streamlette;

import dev.bftkit.streamlette.Mutations.Defect;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The message tree (the reference's {@code Core}): proposals and solicits keyed by content hash, the votes for each,
 * notarization, the longest notarized chains, finality, and the summary/diff pull gossip.
 *
 * <p>Insert rules, in order (a rejected message changes no state and does not use up a slot):
 * <ol>
 *   <li>the instance is ours ({@link Reason#WRONG_INSTANCE});</li>
 *   <li>the signer is a committee member ({@link Reason#NOT_MEMBER});</li>
 *   <li>the message is new ({@link Reason#DUPLICATE}, not a fault);</li>
 *   <li>the signature verifies ({@link Reason#BAD_SIGNATURE});</li>
 *   <li>proposals and solicits: the signer is the leader of the tick ({@link Reason#NOT_ALLOWED}) — the
 *       reference accepted a non-leader's message whatever its signature; we require both;</li>
 *   <li>proposals and solicits: {@code tick <= maxTick} ({@link Reason#TOO_EARLY}, accepted later);</li>
 *   <li>solicits: the previous message is stored ({@link Reason#UNKNOWN_REFERENCE}) and has a lower tick;</li>
 *   <li>votes: the target is stored ({@link Reason#UNKNOWN_REFERENCE});</li>
 * </ol>
 * A second proposal-or-solicit for one (tick, signer), or a second vote for one (target tick, voter), is
 * equivocation: it is recorded in the fault log (once per slot) with both signed messages as evidence, <em>and
 * kept</em>.
 * Two votes of one voter for one <em>target</em> cannot both be stored: a vote's content hash covers only the
 * instance, the target and the voter, not the signature, so the second is a {@link Reason#DUPLICATE} whatever it is
 * signed with. So the voters of a message name its stored votes exactly, and the summary carries them as a bitmap;
 * an equivocating voter's two votes in one tick have two targets, one bit in each. Honest
 * nodes must be able to follow whichever branch the committee notarizes — the reference's rule of one message per
 * slot leaves a node that saw the other twin first stuck forever. Memory stays bounded whatever a leader signs: the
 * first {@link #MAX_VARIANTS} versions of one leader slot enter the tree as they come (the first, and one more that
 * proves the equivocation); a further version enters only in a batch (one response, or our own storage) that also
 * holds validly signed votes for it from more than the tolerated faulty weight, so it has an honest voter, and an
 * honest member votes once per tick: at most {@code MAX_VARIANTS + n} versions per tick, and n votes for each. The
 * rest are refused ({@link Reason#CONFLICT}) and kept nowhere; the honest members that voted for a version relay it
 * with those votes, so the version the committee may notarize always gets in. Honest voting (one vote per tick) is
 * unchanged, so the safety argument holds: Byzantine votes count for whatever they vote for, within the tolerated
 * weight.
 *
 * <p>Faults name only who provably misbehaved: the signer of a validly signed but forbidden message, or the peer
 * that relayed bytes no honest node would relay (honest nodes store, and so relay, only messages that passed these
 * rules; a message merely too early or missing its parent is not a fault).
 */
final class MessageTree {
    /** A proposal or solicit with its votes. */
    static final class Entry {
        final Message msg;
        final byte[] encoded;
        final Key key;
        final long tick;
        final int depth;
        final Entry parent;
        final Entry root;
        final NavigableSet<Key> children = new TreeSet<>();
        final TreeMap<NodeId, VoteEntry> votes = new TreeMap<>();
        /**
         * By committee index, the voters whose vote for this message we hold ({@link Wire#pull}'s layout). Exact: a
         * vote's content hash leaves out its signature, so a voter has at most one vote per target (see
         * {@link MessageTree}).
         */
        final byte[] voters;
        /** The phase in which a peer delivered it, or {@link #OLD}; see {@link Relay}. */
        final long arrived;
        long voteWeight;
        boolean notarized;

        Entry(Message msg, byte[] encoded, Key key, long tick, Entry parent, int members, long arrived) {
            this.msg = msg;
            this.arrived = arrived;
            this.encoded = encoded;
            this.key = key;
            this.tick = tick;
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
            this.root = parent == null ? this : parent.root;
            this.voters = new byte[Wire.bitmapBytes(members)];
        }

        boolean isProposal() {
            return msg instanceof Proposal;
        }

        byte[] body() {
            return ((Proposal) root.msg).body();
        }
    }

    /**
     * A stored vote.
     *
     * @param vote the vote
     * @param encoded its encoding
     * @param key its content hash
     * @param arrived the phase in which a peer delivered it, or {@link #OLD}
     */
    record VoteEntry(Vote vote, byte[] encoded, Key key, long arrived) {
    }

    /**
     * Which of our messages a pull response carries: messages we authored at once; another author's message once
     * it arrived at least {@link #RELAY_AGE} phases ago (the asker has had a whole phase to pull it from its
     * author); or at once if the asker says it cannot reach that author. A message the asker could not use (a
     * solicit whose parent, or a vote whose target, the asker lacks and we hold back) is held back too. Our own
     * leader message that the asker lacks goes with what the asker needs to vote for it at once: its ancestors and
     * all their votes, fresh or not (so a Byzantine leader or voter who gives its messages to some nodes only
     * cannot slow an honest leader's tick).
     *
     * @param self our id, whose messages always go; null to send everything (the reference's diff)
     * @param unreachable by committee index, the authors the asker cannot reach
     */
    record Relay(NodeId self, boolean[] unreachable) {
        /** Sends every message the asker lacks, fresh or not. */
        static final Relay EVERYTHING = new Relay(null, new boolean[0]);
    }

    /** Phases a peer's message waits before we relay it to an asker who can reach its author. */
    static final int RELAY_AGE = 2;
    /** The arrival phase of our own and reloaded messages: old from the start. */
    static final long OLD = Long.MIN_VALUE;

    private record Slot(long tick, NodeId source) {
    }

    /**
     * Where a message being inserted came from, for the leader-slot bound: {@link #NONE} for a lone message (our own
     * messages, tests), {@link #TRUSTED} for what we stored ourselves (reloaded whatever its order, as it was admitted
     * once), or a batch of a peer's messages whose votes may back a version beyond {@link #MAX_VARIANTS}.
     */
    static final class Batch {
        /** A lone message: nothing backs a version beyond the first {@link #MAX_VARIANTS}. */
        static final Batch NONE = new Batch(List.of(), false);
        /** Our own stored messages: admitted before, so admitted again. */
        static final Batch TRUSTED = new Batch(List.of(), true);

        private final List<Message> messages;
        private final boolean trusted;
        /** The batch's votes by target, made on first use; looked up only, never iterated. */
        private Map<Key, List<Vote>> votesByTarget;

        /** @param messages the batch's decoded messages (those that did not decode left out) */
        Batch(List<Message> messages) {
            this(messages, false);
        }

        private Batch(List<Message> messages, boolean trusted) {
            this.messages = messages;
            this.trusted = trusted;
        }

        /** @return the batch's votes for {@code target}, in batch order */
        List<Vote> votesFor(Key target) {
            if (votesByTarget == null) {
                votesByTarget = new HashMap<>();
                for (Message m : messages) {
                    if (m instanceof Vote v) {
                        votesByTarget.computeIfAbsent(new Key(v.target()), k -> new ArrayList<>(1)).add(v);
                    }
                }
            }
            return votesByTarget.getOrDefault(target, List.of());
        }
    }

    /**
     * Versions of one leader slot admitted as they come: the first, and one more, which proves the equivocation.
     * Further versions need backing (see {@link MessageTree}).
     */
    static final int MAX_VARIANTS = 2;

    private final InstanceId instance;
    private final Committee committee;
    private final Crypto crypto;
    private final Leaders leaders;
    private final FaultLog faults;
    private final int hashLength;
    private final Mutations mutations;
    private final MemberKeys keys;

    private final TreeMap<Key, Entry> entries = new TreeMap<>();
    private final Map<Key, VoteEntry> votesByKey = new HashMap<>();
    private final Map<Slot, List<byte[]>> leaderSlots = new HashMap<>();
    private final Map<Slot, VoteEntry> voteSlots = new HashMap<>();
    private final Map<Slot, Boolean> reportedVoteSlots = new HashMap<>();
    private final TreeSet<Key> tips = new TreeSet<>();
    private int tipDepth = -1;
    private long maxTick = 1;
    /** Phases begun (every tick of the Decider, decided or not). */
    private long phase;
    /** The highest tick of any stored leader message. */
    private long highestLeaderTick = -1;
    /** The highest tick of a stored leader message with votes from more than the tolerated faulty weight. */
    private long highestBackedTick = -1;
    /** The bytes of every stored leader message and vote. */
    private long bytes;
    private final List<byte[]> added = new ArrayList<>();
    private final List<Entry> newlyNotarized = new ArrayList<>();

    MessageTree(InstanceId instance, Committee committee, Crypto crypto, Leaders leaders, FaultLog faults,
                Mutations mutations) {
        this.instance = instance;
        this.committee = committee;
        this.crypto = crypto;
        this.leaders = leaders;
        this.faults = faults;
        this.hashLength = crypto.hashLength();
        this.mutations = mutations;
        this.keys = new MemberKeys(committee, crypto);
    }

    long maxTick() {
        return maxTick;
    }

    /**
     * Begins the next phase: the clock of the relay rule, stamped on messages peers deliver from now on.
     *
     * @return the new phase count
     */
    long nextPhase() {
        return ++phase;
    }

    /** @return the phases begun so far */
    long phase() {
        return phase;
    }

    void setMaxTick(long t) {
        maxTick = Math.max(maxTick, t);
    }

    /**
     * @return the highest tick of a stored leader message voted for by more than the tolerated faulty weight, or -1:
     *     evidence that an honest member reached that tick, which Byzantine members cannot make alone
     */
    long highestBackedTick() {
        return highestBackedTick;
    }

    /** @return the highest tick of any stored leader message, or -1 */
    long highestLeaderTick() {
        return highestLeaderTick;
    }

    int hashLength() {
        return hashLength;
    }

    /**
     * Inserts a decoded message after every rule above.
     *
     * @param m the message
     * @param encoded its encoding (stored and relayed as is)
     * @param from the peer that delivered it, or null for our own or reloaded messages
     * @return true if added, false if we already had it
     * @throws InvalidMessageException if a rule rejects it
     */
    boolean insert(Message m, byte[] encoded, NodeId from) {
        return insert(m, encoded, from, Batch.NONE);
    }

    /**
     * Inserts a decoded message after every rule above, from a batch whose votes may back a leader message beyond
     * the first {@link #MAX_VARIANTS} of its slot.
     *
     * @param m the message
     * @param encoded its encoding (stored and relayed as is)
     * @param from the peer that delivered it, or null for our own or reloaded messages
     * @param batch where it came from
     * @return true if added, false if we already had it
     * @throws InvalidMessageException if a rule rejects it
     */
    boolean insert(Message m, byte[] encoded, NodeId from, Batch batch) {
        if (!m.instance().equals(instance)) {
            fault(from, Fault.Kind.MALFORMED, "relayed a message of instance " + m.instance(), encoded);
            throw new InvalidMessageException(Reason.WRONG_INSTANCE,
                    "message of instance " + m.instance() + ", expected " + instance);
        }
        if (!committee.contains(m.source())) {
            fault(from, Fault.Kind.MALFORMED, "relayed a message signed by non-member " + m.source(), encoded);
            throw new InvalidMessageException(Reason.NOT_MEMBER, "signer " + m.source() + " is not a member");
        }
        byte[] chash = Wire.contentHash(crypto, m);
        Key key = new Key(chash);
        if (entries.containsKey(key) || votesByKey.containsKey(key)) {
            return false;
        }
        if (!mutations.has(Defect.SKIP_SIGNATURE_CHECK) && !keys.verify(m, chash)) {
            fault(from, Fault.Kind.FORGED_SIGNATURE, "relayed a message whose signature does not verify under "
                    + m.source(), encoded);
            throw new InvalidMessageException(Reason.BAD_SIGNATURE, "signature of " + m.source() + " does not verify");
        }
        long arrived = from == null ? OLD : phase;
        if (m instanceof Vote v) {
            insertVote(v, encoded, key, arrived);
        } else {
            insertLeaderMessage(m, encoded, key, arrived, batch);
        }
        added.add(encoded);
        return true;
    }

    private void insertLeaderMessage(Message m, byte[] encoded, Key key, long arrived, Batch batch) {
        long tick = m instanceof Proposal p ? p.tick() : ((Solicit) m).tick();
        if (!mutations.has(Defect.SKIP_LEADER_CHECK) && !leaders.leader(tick).equals(m.source())) {
            fault(m.source(), Fault.Kind.NOT_ENTITLED, "signed a leader message for tick " + tick
                    + " whose leader is " + leaders.leader(tick), encoded);
            throw new InvalidMessageException(Reason.NOT_ALLOWED,
                    m.source() + " is not the leader of tick " + tick);
        }
        if (tick > maxTick) {
            throw new InvalidMessageException(Reason.TOO_EARLY, "tick " + tick + " is beyond " + maxTick);
        }
        Entry parent = null;
        if (m instanceof Solicit s) {
            parent = entries.get(new Key(s.previous()));
            if (parent == null) {
                throw new InvalidMessageException(Reason.UNKNOWN_REFERENCE, "solicit extends an unknown message");
            }
            if (tick <= parent.tick) {
                fault(m.source(), Fault.Kind.MALFORMED, "signed a solicit for tick " + tick
                        + " extending tick " + parent.tick, encoded);
                throw new InvalidMessageException(Reason.MALFORMED,
                        "solicit tick " + tick + " does not exceed its parent's " + parent.tick);
            }
        }
        Slot slot = new Slot(tick, m.source());
        List<byte[]> versions = leaderSlots.computeIfAbsent(slot, k -> new ArrayList<>(1));
        if (!versions.isEmpty()) {
            if (versions.size() == 1) {
                faults.add(new Fault(m.source(), Fault.Kind.EQUIVOCATION, "two leader messages for tick " + tick,
                        List.of(versions.get(0), encoded)));
            }
            if (versions.size() >= MAX_VARIANTS && !batch.trusted && !backed(key, batch)
                    && !mutations.has(Defect.UNBOUNDED_VARIANTS)) {
                throw new InvalidMessageException(Reason.CONFLICT, m.source() + " signed more than " + MAX_VARIANTS
                        + " leader messages for tick " + tick + "; a further one needs votes from more than the"
                        + " tolerated faulty weight beside it");
            }
        }
        versions.add(encoded);
        highestLeaderTick = Math.max(highestLeaderTick, tick);
        Entry e = new Entry(m, encoded, key, tick, parent, committee.size(), arrived);
        entries.put(key, e);
        bytes += encoded.length;
        if (parent != null) {
            parent.children.add(key);
        }
    }

    /**
     * Whether the batch holds validly signed votes for {@code target} from members whose weight is more than the
     * tolerated faulty weight (so at least one honest member voted for it). Checks signatures only when asked.
     */
    private boolean backed(Key target, Batch batch) {
        Set<NodeId> voters = new HashSet<>();
        long weight = 0;
        for (Vote v : batch.votesFor(target)) {
            if (v.instance().equals(instance) && committee.contains(v.source()) && !voters.contains(v.source())
                    && keys.verify(v, Wire.contentHash(crypto, v))) {
                voters.add(v.source());
                weight += committee.weight(v.source());
                if (weight > committee.maxFaultyWeight()) {
                    return true;
                }
            }
        }
        return false;
    }

    private void insertVote(Vote v, byte[] encoded, Key key, long arrived) {
        Entry target = entries.get(new Key(v.target()));
        if (target == null) {
            throw new InvalidMessageException(Reason.UNKNOWN_REFERENCE, "vote for an unknown message");
        }
        Slot slot = new Slot(target.tick, v.source());
        VoteEntry earlier = voteSlots.get(slot);
        VoteEntry ve = new VoteEntry(v, encoded, key, arrived);
        if (earlier == null) {
            voteSlots.put(slot, ve);
        } else if (reportedVoteSlots.put(slot, Boolean.TRUE) == null) {
            faults.add(new Fault(v.source(), Fault.Kind.EQUIVOCATION, "two votes in tick " + target.tick,
                    List.of(earlier.encoded(), encoded)));
        }
        votesByKey.put(key, ve);
        bytes += encoded.length;
        target.votes.put(v.source(), ve);
        Wire.setBit(target.voters, committee.indexOf(v.source()));
        target.voteWeight += committee.weight(v.source());
        if (target.voteWeight > committee.maxFaultyWeight()) {
            highestBackedTick = Math.max(highestBackedTick, target.tick);
        }
        if (!target.notarized && notarizes(target.voteWeight)) {
            target.notarized = true;
            newlyNotarized.add(target);
            if (target.depth > tipDepth) {
                tips.clear();
                tipDepth = target.depth;
            }
            if (target.depth == tipDepth) {
                tips.add(target.key);
            }
        }
    }

    private boolean notarizes(long weight) {
        if (mutations.has(Defect.HALF_THRESHOLD)) {
            return 2 * weight > committee.totalWeight(); // deliberately broken: more than 1/2
        }
        return committee.isSupermajority(weight);
    }

    private void fault(NodeId who, Fault.Kind kind, String detail, byte[] evidence) {
        if (who != null) {
            faults.add(new Fault(who, kind, detail, List.of(evidence)));
        }
    }

    /** @return and clears the encodings added since the last call, in insertion order */
    List<byte[]> drainAdded() {
        List<byte[]> out = List.copyOf(added);
        added.clear();
        return out;
    }

    /** @return and clears the entries that became notarized since the last call */
    List<Entry> drainNotarized() {
        List<Entry> out = List.copyOf(newlyNotarized);
        newlyNotarized.clear();
        return out;
    }

    Entry get(Key key) {
        return entries.get(key);
    }

    /** @return the tips of the longest notarized chains, in unsigned hash order (empty if nothing is notarized) */
    List<Entry> lncTips() {
        List<Entry> out = new ArrayList<>(tips.size());
        for (Key k : tips) {
            out.add(entries.get(k));
        }
        return out;
    }

    boolean isLncTip(Entry e) {
        return e.notarized && e.depth == tipDepth;
    }

    /** @return the leader messages with a tick in (after, upTo], highest tick first, then hash order */
    List<Entry> leaderMessagesBetween(long after, long upTo) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.tick > after && e.tick <= upTo) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong((Entry e) -> -e.tick).thenComparing(e -> e.key));
        return out;
    }

    /**
     * Finality: a notarized chain with three consecutive ticks {@code t, t+1, t+2} finalizes its root (Streamlet
     * finalizes the middle block and its prefix; every chain here has one root). Checked around each newly
     * notarized entry.
     *
     * @param e a notarized entry
     * @return the three entries of a consecutive notarized triple that includes {@code e}, lowest tick first
     */
    Entry[] consecutiveTriple(Entry e) {
        // e on top
        Entry p = e.parent;
        if (p != null && p.notarized && p.tick == e.tick - 1 && p.parent != null && p.parent.notarized
                && p.parent.tick == e.tick - 2) {
            return new Entry[] {p.parent, p, e};
        }
        for (Key ck : e.children) {
            Entry c = entries.get(ck);
            if (!c.notarized || c.tick != e.tick + 1) {
                continue;
            }
            if (p != null && p.notarized && p.tick == e.tick - 1) {
                return new Entry[] {p, e, c};
            }
            for (Key gk : c.children) {
                Entry g = entries.get(gk);
                if (g.notarized && g.tick == e.tick + 2) {
                    return new Entry[] {e, c, g};
                }
            }
        }
        return null;
    }

    /**
     * The summary: every leader message's hash and the committee-index bitmap of the voters whose vote for it we
     * hold, in hash order.
     */
    List<byte[][]> summary() {
        return summary(Integer.MAX_VALUE);
    }

    /**
     * The summary, cut to at most {@code max} entries (the peers' limit, so they never refuse our pull for its size):
     * when it must be cut, the messages of the highest ticks are kept, since a peer that lacks an older message only
     * sends it again. Hash order.
     */
    List<byte[][]> summary(int max) {
        Iterable<Entry> chosen = entries.values();
        if (entries.size() > max) {
            List<Entry> newest = entriesByTick();
            List<Entry> kept = new ArrayList<>(newest.subList(newest.size() - max, newest.size()));
            kept.sort(Comparator.comparing(e -> e.key));
            chosen = kept;
        }
        List<byte[][]> out = new ArrayList<>(Math.min(max, entries.size()));
        for (Entry e : chosen) {
            out.add(new byte[][] {e.key.bytes(), e.voters}); // encoded at once; Wire copies
        }
        return out;
    }

    /** @return the stored leader messages and votes */
    int size() {
        return entries.size() + votesByKey.size();
    }

    /** @return the bytes of what {@link #size()} counts */
    long bytes() {
        return bytes;
    }

    /**
     * What a peer with this summary lacks: each leader message they do not have, then each of our votes whose voter
     * their bitmap for its target leaves out (all of them if they lack the target); sorted by tick (parents first),
     * votes last; cut to the limits from the end so the order still holds.
     */
    List<byte[]> diff(List<byte[][]> theirs, int maxMessages, long maxBytes) {
        return diff(theirs, Relay.EVERYTHING, maxMessages, maxBytes);
    }

    /**
     * What a peer with this summary lacks and {@code relay} lets us send: each leader message they do not have,
     * then each of our votes whose voter their bitmap for its target leaves out; sorted by tick (parents first),
     * votes last; cut to the limits from the end so the order still holds. Iterates in hash and tick order only.
     *
     * @param theirs the asker's summary: hashes with voter bitmaps of ⌈n/8⌉ bytes (as {@link Wire#decodePull}
     *     checks)
     */
    List<byte[]> diff(List<byte[][]> theirs, Relay relay, int maxMessages, long maxBytes) {
        Map<Key, byte[]> their = new HashMap<>(theirs.size() * 2);
        int width = Wire.bitmapBytes(committee.size());
        for (byte[][] e : theirs) {
            if (e[1].length != width) {
                throw new IllegalArgumentException("voter bitmap of " + e[1].length + " bytes, expected " + width);
            }
            their.put(new Key(e[0]), e[1]);
        }
        List<Entry> lacking = new ArrayList<>();
        List<Entry> differing = new ArrayList<>();
        for (Entry e : entries.values()) {
            byte[] voters = their.get(e.key);
            if (voters != null && covers(voters, e.voters)) {
                continue;
            }
            if (voters == null) {
                lacking.add(e);
            }
            differing.add(e);
        }
        lacking.sort(Comparator.comparingLong((Entry e) -> e.tick).thenComparing(e -> e.key));
        Set<Key> justifying = new HashSet<>(); // chains of our leader messages the asker lacks: sent whole
        for (Entry e : lacking) {
            if (relay.self() != null && e.msg.source().equals(relay.self())) {
                for (Entry a = e; a != null && justifying.add(a.key); ) {
                    a = a.parent;
                }
            }
        }
        Set<Key> heldBack = new HashSet<>(); // lacked by the asker and not sent: useless to it as parent or target
        List<byte[]> out = new ArrayList<>();
        long bytes = 0;
        for (Entry e : lacking) {
            boolean send = justifying.contains(e.key) || (e.parent == null || !heldBack.contains(e.parent.key))
                    && relays(relay, e.msg.source(), e.arrived);
            if (!send) {
                heldBack.add(e.key);
                continue;
            }
            if (out.size() >= maxMessages || bytes + e.encoded.length > maxBytes) {
                return out;
            }
            out.add(e.encoded);
            bytes += e.encoded.length;
        }
        for (Entry e : differing) {
            if (heldBack.contains(e.key)) {
                continue;
            }
            boolean all = justifying.contains(e.key);
            byte[] held = their.get(e.key);
            for (VoteEntry v : e.votes.values()) {
                if (held != null && Wire.bit(held, committee.indexOf(v.vote().source()))) {
                    continue; // the asker has this very vote: one per voter and target
                }
                if (!all && !relays(relay, v.vote().source(), v.arrived())) {
                    continue;
                }
                if (out.size() >= maxMessages || bytes + v.encoded().length > maxBytes) {
                    return out;
                }
                out.add(v.encoded());
                bytes += v.encoded().length;
            }
        }
        return out;
    }

    /** @return whether bitmap {@code theirs} has every bit of {@code ours} (same length) */
    private static boolean covers(byte[] theirs, byte[] ours) {
        for (int i = 0; i < ours.length; i++) {
            if ((ours[i] & ~theirs[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean relays(Relay relay, NodeId author, long arrived) {
        if (relay.self() == null || author.equals(relay.self())
                || !mutations.has(Defect.NO_AGE_RELAY) && arrived <= phase - RELAY_AGE) {
            return true;
        }
        int i = committee.indexOf(author);
        return i >= 0 && i < relay.unreachable().length && relay.unreachable()[i];
    }

    /** Every stored message in an order that re-inserts cleanly: leader messages by tick, then votes. */
    List<Entry> entriesByTick() {
        List<Entry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparingLong((Entry e) -> e.tick).thenComparing(e -> e.key));
        return out;
    }

    /** @return whether the signer already has a leader message for the tick */
    boolean hasLeaderMessage(long tick, NodeId source) {
        return leaderSlots.containsKey(new Slot(tick, source));
    }

    /** @return true if the voter already voted for a message of this tick */
    boolean hasVoted(long tick, NodeId voter) {
        return voteSlots.containsKey(new Slot(tick, voter));
    }

    /** @return the entries in hash order, for DOT output */
    Iterable<Entry> entries() {
        return entries.values();
    }
}
