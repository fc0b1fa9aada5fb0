package dev.bftkit.streamlette;

import dev.bftkit.streamlette.Mutations.Defect;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import dev.bftkit.streamlette.MessageTree.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Streamlette: a one-shot BFT decision made from Streamlet.
 *
 * <p>Each logical tick has two phases, each followed by a pull from every peer (the node sends its summary and the
 * peers it cannot reach, the peer answers with what it lacks, author-first: see below). In the first (the reference's pre-tick) the tick's leader signs a <em>solicit</em>
 * extending the smallest-hash tip of the longest notarized chains it has seen, or, if nothing is notarized yet, a
 * <em>proposal</em> of a new value. Votes are cast as in Streamlet, when the leader's message arrives (after every
 * tick and every absorbed response), not only at the reference's post-tick: a vote that waits for a fixed moment
 * loses the race against a leader whose clock runs a little behind.
 *
 * <h2>Voting rule and why it is safe</h2>
 * A node votes only for the leader's proposal or solicit of a tick, at most once per tick, in strictly increasing
 * tick order (never for a tick at or below one it voted in), and only if the message extends one of the longest
 * notarized chains it has seen when it votes (a proposal only when nothing is notarized, and only if the
 * application validates its value). The last tick voted in is durable before the vote can be pulled, so a restart
 * never breaks these facts.
 *
 * <p>Safety, following Streamlet's proof. Write |X| for a message's depth in its chain.
 * <ol>
 *   <li>At most one message per tick is notarized: two quorums of more than 2/3 of the weight share more than 1/3,
 *       so some honest node would have voted twice in one tick.</li>
 *   <li>Every ancestor of a notarized message is notarized: an honest voter of the message saw its parent as a
 *       notarized tip.</li>
 *   <li>Let B0, B1, B2 be notarized at ticks t, t+1, t+2, each extending the one before (so B1's root is final),
 *       and let B' ≠ B1 be notarized with |B'| = |B1|, at tick t'. By (1), t' is none of t, t+1, t+2. If t' &lt; t,
 *       some honest node voted for both B' and B0, for B' first (votes go in increasing tick order); when it voted
 *       for B' it had seen B'’s parent notarized at depth |B0|, so B0, which extends a chain of depth |B0| − 1, was
 *       not on a longest notarized chain when it voted for B0 — a contradiction. If t' &gt; t+2, some honest node
 *       voted for B2 and later for B'; voting for B2 it had seen B1 notarized at depth |B1|, so B'’s parent, of
 *       depth |B1| − 1, was not a longest notarized tip when it voted for B' — a contradiction.</li>
 *   <li>So, with (2), every notarized message of depth at least |B1| extends B1. Another root R' could only be
 *       final through a triple whose middle message M is at depth at least 1: if |M| ≥ |B1|, M extends B1 and
 *       shares its root; otherwise the same argument with the roles swapped makes B1 extend M. Either way the
 *       roots are equal.</li>
 * </ol>
 * The proof uses exactly two facts about honest nodes: one vote per tick in increasing tick order (durable across
 * restarts), and votes only on a longest notarized chain.
 *
 * <h2>Author-first pull responses</h2>
 * Every node pulls from every peer each phase, so a message sent by everyone who holds it would reach a node once
 * from its author and again from each peer. A response therefore carries the messages we <em>authored</em> at once,
 * but <em>relays</em> another author's message only once it arrived here at least
 * {@value MessageTree#RELAY_AGE} phases ago (the asker has had a whole phase to pull it from its author), or at
 * once if the asker's pull marks that author unreachable: a committee-index bitmap of the peers a pull to which
 * failed, or went unanswered for a phase, within the asker's last {@value #UNREACHABLE_PHASES} phases. A message
 * the asker could not use yet (a vote for, or a solicit extending, a message it lacks and we hold back) waits with
 * it. Our own proposal or solicit goes with what the asker needs to vote for it at once: the ancestors it lacks and
 * all their votes, fresh or not. See {@link MessageTree.Relay}.
 *
 * <p>Liveness is kept: whatever an honest node holds reaches every honest node that pulls from it within
 * {@value MessageTree#RELAY_AGE} of its phases plus one pull, whoever authored it and whether the author crashed,
 * is cut off, loses messages, or gives it to some nodes only (a withholding Byzantine author); and an honest
 * leader's message reaches every honest node it can pull from in one pull, together with the notarized chain it
 * extends, so Byzantine nodes that give their messages (the chain's or the votes notarizing it) to some nodes only
 * cannot keep honest nodes from voting for it in its own tick. The age counts our own phases, which advance after
 * deciding too, and messages reloaded after a restart are old. Safety does not depend on what is relayed, only on
 * what is signed. The rule reads only tick and hash order.
 *
 * <h2>Departures from the reference (0.2.7)</h2>
 * Leader messages need the leader <em>and</em> a valid signature; votes follow the rule above (the reference
 * voted for every solicit extending a tip); {@code validate} is called before voting for a proposal; non-members'
 * votes are rejected; the first decision is kept and a different finalized value is
 * {@link FatalConsensusException}; a decided node stops proposing and voting but keeps answering pulls; every
 * message, summary and diff is bounded; own messages are durable before they can be pulled (peers' messages wait
 * for the next durable write, see {@link #persist}); a node follows the committee's clock on evidence from an
 * honest member (see {@link #absorbNotarizations}; ticks only move forward, so the rule above still holds, and a
 * restarted or lagging node can take part again).
 */
final class StreamletteDecider implements Decider, GraphView {
    static final int PHASES = 2;
    /** Peers' messages that may wait unwritten for the next durable write. */
    static final int MAX_UNWRITTEN = 1024;
    /**
     * How long, in phases, a peer stays marked unreachable in our pulls after a pull to it failed or went unanswered
     * for a phase. A link that lost or delayed an answer may well do so again; marking it costs only duplicates of
     * that author's messages, while not marking it delays them by {@value MessageTree#RELAY_AGE} phases. On a lossy
     * network (20% loss, 10–400 ms) this keeps the ticks to decide near those of plain pull gossip.
     */
    static final int UNREACHABLE_PHASES = 16;
    private static final long NO_TROUBLE = Long.MIN_VALUE;

    private final InstanceId instance;
    private final Committee committee;
    private final NodeId self;
    private final SigningKey key;
    private final Crypto crypto;
    private final StoredState stored;
    private final Application app;
    private final Mutations mutations;
    private final int maxBody;
    private final int maxDiffMessages;
    private final long maxDiffBytes;
    private final int maxSummary;
    private final byte[] prefix;
    private final Wire.Sizes sizes;

    private final FaultLog faults = new FaultLog();
    private final Leaders leaders;
    private final MessageTree tree;
    private final SeededRandom rng;
    private final ArrayDeque<Outbound> outbox = new ArrayDeque<>();
    private final Set<NodeId> awaiting = new HashSet<>();
    /**
     * By committee index: the phase in which a pull to the peer last failed or was still unanswered when the next
     * one was due, or {@link #NO_TROUBLE}.
     */
    private final long[] troubleAt;
    /** Peers' messages stored in the tree and not yet written; see {@link #persist}. */
    private WriteBatch unwritten = new WriteBatch();
    /** Whether the tree holds a message of our own that is not yet written. */
    private boolean ownUnwritten;
    private long writtenTick = -1;
    private long writtenVotedTick = -1;

    /** The step of the input running now: {@link #persist} adds its writes, {@link #step()} hands it out. */
    private Step.Builder toPersist = Step.builder();
    private int faultsHandedOut;

    private long tick;
    /**
     * The highest tick whose leader messages we may vote for while we are in it: one our own clock reached, or one
     * that members of more than the tolerated faulty weight voted in. A tick we reached only by following a leader
     * message is not, so a leader that speaks early cannot take our vote away from the tick before it.
     */
    private long votableTick;
    private int phase;
    private long lastVotedTick = -1;
    /** The tick whose leader message {@link #propose} deferred, or -1; see {@link #proposeWhenDue}. */
    private long proposalDue = -1;
    /** {@link #pullRounds} when the proposal became due. */
    private long pullsAtDue;
    /** Pull rounds sent (one per phase). */
    private long pullRounds;
    private Entry decidedRoot;
    private Decision decision;
    private boolean polled;

    StreamletteDecider(DeciderConfig config, Mutations mutations) {
        this.instance = config.instance();
        this.committee = config.committee();
        this.self = config.self();
        this.key = config.key();
        this.crypto = config.crypto();
        this.stored = config.stored();
        this.app = config.application();
        this.mutations = mutations;
        this.maxBody = (int) Math.min(Integer.MAX_VALUE - 1024, config.longOption("streamlette.maxBody", 1 << 20));
        this.maxDiffMessages = (int) config.longOption("streamlette.maxDiffMessages", 8192);
        this.maxDiffBytes = config.longOption("streamlette.maxDiffBytes", 8L << 20);
        this.maxSummary = (int) config.longOption("streamlette.maxSummaryEntries", 65_536);
        long leaderSeed = config.option("streamlette.leaderSeed").map(Long::parseLong)
                .orElse(SeededRandom.seedOf(instance.bytes()));
        this.leaders = new Leaders(committee, leaderSeed);
        this.tree = new MessageTree(instance, committee, crypto, leaders, faults, mutations);
        this.rng = new SeededRandom(config.seed());
        this.sizes = new Wire.Sizes(instance, committee, crypto.hashLength(), maxBody);
        this.troubleAt = new long[committee.size()];
        Arrays.fill(troubleAt, NO_TROUBLE);
        this.prefix = new Encoder().bytes("streamlette".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .bytes(instance.bytes()).toByteArray();
        reload();
    }

    // ---- persistence -------------------------------------------------------------------------------------

    private void reload() {
        Optional<byte[]> state = stored.get(stateKey());
        if (state.isPresent()) {
            try {
                Decoder in = new Decoder(state.get());
                tick = in.nonNegative("tick");
                lastVotedTick = in.i64();
                in.finish();
                writtenTick = tick;
                writtenVotedTick = lastVotedTick;
            } catch (InvalidMessageException e) {
                throw new StorageException("damaged Streamlette state for instance " + instance + ": "
                        + e.getMessage(), e);
            }
        }
        List<Storage.Entry> entries = stored.scan(messagesPrefix());
        List<Message> decoded = new ArrayList<>(entries.size());
        for (Storage.Entry e : entries) {
            try {
                decoded.add(Wire.decode(e.value(), maxBody, crypto.hashLength()));
            } catch (InvalidMessageException ex) {
                throw new StorageException("damaged Streamlette message in storage for instance " + instance
                        + ": " + ex.getMessage(), ex);
            }
        }
        // re-insert through every rule: leader messages by tick (parents first), then votes
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < decoded.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(sortTick(decoded.get(a)), sortTick(decoded.get(b))));
        long highest = tick + 1;
        for (Message m : decoded) {
            if (!(m instanceof Vote)) {
                highest = Math.max(highest, sortTick(m));
            }
        }
        tree.setMaxTick(highest);
        for (int i : order) {
            try {
                tree.insert(decoded.get(i), entries.get(i).value(), null,
                        mutations.has(Defect.RELOAD_AS_PEER) ? MessageTree.Batch.NONE : MessageTree.Batch.TRUSTED);
            } catch (InvalidMessageException ex) {
                throw new StorageException("stored Streamlette message rejected for instance " + instance + ": "
                        + ex.getMessage(), ex);
            }
        }
        tree.drainAdded();
        tree.setMaxTick(tick + 1);
        votableTick = tick;
        absorbNotarizations();
        checkFinality(); // a node that had decided knows it again before its first tick
    }

    private static long sortTick(Message m) {
        return m instanceof Proposal p ? p.tick() : m instanceof Solicit s ? s.tick() : Long.MAX_VALUE;
    }

    private byte[] stateKey() {
        return Arrays.copyOf(prefix, prefix.length + 1);
    }

    private byte[] messagesPrefix() {
        byte[] p = Arrays.copyOf(prefix, prefix.length + 1);
        p[prefix.length] = 1;
        return p;
    }

    /**
     * Puts in this input's step what must be durable before anything is handed out, in one atomic batch: every newly
     * stored message and the tick state. Our own messages and our last voted tick commit us, so a batch holding them is written at
     * once; peers' messages commit us to nothing (a peer can send them again), so after a response that brought only
     * those they wait for the next write: the phase's end, our next own message or vote, a decision, or
     * {@value #MAX_UNWRITTEN} of them. One durable write per phase instead of one per response.
     */
    private void persist(boolean phaseEnd) {
        byte[] mp = messagesPrefix();
        for (byte[] m : tree.drainAdded()) {
            unwritten.put(dev.bftkit.api.Bytes.concat(mp, crypto.hash(m)), m);
        }
        if (mutations.has(Defect.VOTE_BEFORE_PERSIST) && !phaseEnd) {
            return; // deliberately broken: own votes are handed out now, written only when the phase ends
        }
        boolean commits = ownUnwritten || lastVotedTick != writtenVotedTick;
        if (!phaseEnd && !commits && decision == null && unwritten.size() < MAX_UNWRITTEN) {
            return;
        }
        if (unwritten.size() == 0 && tick == writtenTick && !commits) {
            return; // nothing new since the last write
        }
        unwritten.put(stateKey(), new Encoder(16).i64(tick).i64(lastVotedTick).toByteArray());
        toPersist.persist(unwritten); // the driver writes it before it hands out anything of this step
        unwritten = new WriteBatch();
        ownUnwritten = false;
        writtenTick = tick;
        writtenVotedTick = lastVotedTick;
    }

    // ---- the Decider -----------------------------------------------------------------------------------------

    @Override
    public InstanceId instance() {
        return instance;
    }

    @Override
    public Step start() {
        return step(); // a reloaded node that had decided hands its decision out again
    }

    @Override
    public Step submit(byte[] payload) {
        // Streamlette decides one leader's proposal; values come from Application.propose()
        return step();
    }

    /**
     * This input's step: what {@link #persist} put in it, at most {@link Step#MAX_SEND} requests (the rest wait for
     * the next step), the decision once, and the faults recorded since the last step.
     */
    private Step step() {
        Step.Builder out = toPersist;
        toPersist = Step.builder();
        for (int i = 0; i < Step.MAX_SEND && !outbox.isEmpty(); i++) {
            out.send(outbox.poll());
        }
        if (decision != null && !polled) {
            polled = true;
            out.decide(decision);
        }
        if (faults.size() > faultsHandedOut) {
            faults.entries().subList(faultsHandedOut, faults.size()).forEach(out::fault);
            faultsHandedOut = faults.size();
        }
        return out.build();
    }

    @Override
    public int phasesPerTick() {
        return PHASES;
    }

    @Override
    public long currentTick() {
        return tick;
    }

    @Override
    public Step tick() {
        runPhase();
        return step();
    }

    private void runPhase() {
        tree.nextPhase(); // the relay rule's clock runs on after deciding
        if (decision != null) {
            return; // decided: stop proposing and voting; the tick freezes; pulls are still answered
        }
        tree.setMaxTick(tick + 1);
        if (phase == 0) {
            propose();
            phase = 1;
        } else {
            phase = 0;
            tick++;
            votableTick = tick;
            tree.setMaxTick(tick + 1);
        }
        vote();
        persist(true);
        checkFinality();
        if (decision == null) {
            pullFromAll();
        }
    }

    /**
     * Our tick's proposal phase is over: as its leader, we sign our message now, unless we voted for a leader message
     * of an earlier tick, above the longest notarized chains, that is not notarized yet. Then we wait for the answers
     * to this phase's pull (see {@link #proposeWhenDue}): the other members voted for it when they pulled it, most
     * likely in the pull round that ended as our phase began, so their votes come in now, and a message signed before
     * they do would extend an older chain, which no honest member votes for once it saw the newer notarization. With
     * drifting clocks a leader whose message reaches the others a pull round late is common, and where every honest
     * vote is needed this lost every following honest tick, so no three consecutive ticks were ever notarized
     * ({@code consensus fuzz --decider streamlette --nodes 7 --replay 3872753444632492612}).
     */
    private void propose() {
        proposalDue = tick;
        pullsAtDue = pullRounds;
        proposeWhenDue();
    }

    /**
     * Signs the leader message {@link #propose} deferred, once it is due: the message we voted for is notarized, or
     * every pull sent since has been answered or has failed, or the tick is over (then we sign it as we enter the next
     * tick, where members may still vote for it). Dropped if our tick moved further. Own messages are durable before
     * they can be pulled, so a message signed here is written at once.
     */
    private void proposeWhenDue() {
        if (proposalDue < 0 || decision != null) {
            return;
        }
        boolean roundDone = pullRounds > pullsAtDue && awaiting.isEmpty();
        if (tick == proposalDue && !roundDone && awaitsVotedMessage()) {
            return;
        }
        long due = proposalDue;
        proposalDue = -1;
        if (tick <= due + 1) {
            signLeaderMessage(due);
            persist(false);
        }
    }

    /** Whether we voted for a leader message above the longest notarized chains' tips that is not notarized yet. */
    private boolean awaitsVotedMessage() {
        long tipTick = -1;
        for (Entry e : tree.lncTips()) {
            tipTick = Math.max(tipTick, e.tick);
        }
        for (Entry e : tree.leaderMessagesBetween(tipTick, proposalDue - 1)) {
            if (!e.notarized && e.votes.containsKey(self)) {
                return true;
            }
        }
        return false;
    }

    /** Signs our leader message for tick {@code t}, if we lead it and have none: a solicit, or a new proposal. */
    private void signLeaderMessage(long t) {
        if (!leaders.leader(t).equals(self) || tree.hasLeaderMessage(t, self)) {
            return;
        }
        List<Entry> tips = tree.lncTips();
        Message unsigned;
        if (!tips.isEmpty()) {
            if (tips.get(0).tick >= t) {
                return; // signed late, and the committee notarized past it: it could extend nothing
            }
            unsigned = new Solicit(instance, t, tips.get(0).key.bytes(), self, new byte[0]);
        } else {
            Optional<byte[]> value = app.propose();
            if (value.isEmpty() || value.get().length > maxBody) {
                return;
            }
            unsigned = new Proposal(instance, t, value.get(), self, new byte[0]);
        }
        insertOwn(signOwn(t, unsigned));
    }

    /**
     * Signs a leader message or vote of ours as an honest member, which signs at most one leader message and one vote
     * in each tick of an instance, whatever it reloaded from storage: checked (with {@code -ea}) against the tree,
     * which holds every message we signed, those reloaded included. A faulty member's shadow signs through
     * {@link #signAndStore} instead.
     *
     * @param tick the leader message's tick, or the tick of the leader message a vote is for
     */
    Message signOwn(long tick, Message unsigned) {
        assert !(unsigned instanceof Vote ? tree.hasVoted(tick, self) : tree.hasLeaderMessage(tick, self))
                : "Streamlette would sign a second " + (unsigned instanceof Vote ? "vote" : "leader message")
                        + " in tick " + tick + " of instance " + instance;
        return signed(unsigned);
    }

    private Message signed(Message unsigned) {
        return Wire.signed(key, crypto, unsigned);
    }

    private void insertOwn(Message m) {
        tree.insert(m, Wire.encode(m), null);
        ownUnwritten = true;
    }

    // ---- for the adversaries (Adversaries), which run this Decider as a faulty member's shadow ---------------

    MessageTree tree() {
        return tree;
    }

    Leaders leaders() {
        return leaders;
    }

    int maxBody() {
        return maxBody;
    }

    /**
     * Signs {@code unsigned} with our key and stores it as our own, so our next responses carry it; for a faulty
     * member's shadow only.
     *
     * @return the signed message's encoding, or null if the tree refused it
     */
    byte[] signAndStore(Message unsigned) {
        Message m = signed(unsigned);
        byte[] encoded = Wire.encode(m);
        try {
            tree.insert(m, encoded, null);
        } catch (InvalidMessageException e) {
            return null;
        }
        ownUnwritten = true;
        return encoded;
    }

    /**
     * Streamlet's voting rule: every eligible leader message of a tick above the last one voted in and not beyond the
     * ticks we may vote in ({@link #votableTick}), one per tick, oldest tick first, so a late message of the tick
     * before still gets our vote after a later one arrived.
     */
    private void vote() {
        proposeWhenDue();
        if (decision != null || committee.weight(self) == 0) {
            return;
        }
        boolean nothingNotarized = tree.lncTips().isEmpty();
        long upTo = mutations.has(Defect.CATCH_UP_ON_ANY_LEADER) ? tick : Math.min(tick, Math.max(tick - 1,
                votableTick));
        List<Entry> candidates = tree.leaderMessagesBetween(lastVotedTick, upTo);
        for (int i = candidates.size() - 1; i >= 0; i--) { // oldest tick first
            Entry e = candidates.get(i);
            boolean eligible = e.isProposal()
                    ? nothingNotarized && app.validate(((Proposal) e.msg).body())
                    : tree.isLncTip(e.parent);
            if (eligible && e.tick > lastVotedTick && !tree.hasVoted(e.tick, self)) {
                lastVotedTick = e.tick;
                insertOwn(signOwn(e.tick, new Vote(instance, e.key.bytes(), self, new byte[0])));
            }
        }
    }

    private void pullFromAll() {
        pullRounds++;
        List<NodeId> peers = new ArrayList<>(committee.size());
        for (NodeId id : committee.members()) {
            if (!id.equals(self) && !awaiting.contains(id)) {
                peers.add(id);
            }
        }
        rng.shuffle(peers); // seeded: no peer is always asked first
        byte[] request = Wire.pull(unreachable(), tree.summary(maxSummary));
        for (NodeId p : peers) {
            awaiting.add(p);
            outbox.add(new Outbound(p, request));
        }
    }

    /**
     * The peers to mark unreachable in our pull (relay their messages at once): those a pull to which failed, or was
     * still unanswered when the next was due, within the last {@value #UNREACHABLE_PHASES} phases.
     */
    private boolean[] unreachable() {
        long phases = tree.phase();
        boolean[] out = new boolean[committee.size()];
        for (int i = 0; i < out.length; i++) {
            if (awaiting.contains(committee.member(i))) {
                troubleAt[i] = phases; // unanswered for a whole phase
            }
            out[i] = troubleAt[i] != NO_TROUBLE && phases - troubleAt[i] < UNREACHABLE_PHASES;
        }
        return out;
    }

    @Override
    public Step onRequest(NodeId from, byte[] request) {
        try {
            toPersist.reply(answer(from, request));
            return step();
        } catch (InvalidMessageException e) {
            toPersist.reject(e);
            return step();
        }
    }

    private byte[] answer(NodeId from, byte[] request) {
        if (!committee.contains(from)) {
            throw new InvalidMessageException(Reason.NOT_MEMBER, from + " is not a member");
        }
        Wire.Pull pull;
        try {
            pull = Wire.decodePull(request, committee.size(), maxSummary, crypto.hashLength());
        } catch (InvalidMessageException e) {
            faults.add(new Fault(from, Fault.Kind.MALFORMED, "malformed pull: " + e.getMessage(), List.of(request)));
            throw e;
        }
        MessageTree.Relay relay = new MessageTree.Relay(self, pull.unreachable());
        return Wire.diff(tree.diff(pull.summary(), relay, maxDiffMessages, maxDiffBytes));
    }

    @Override
    public Step onResponse(NodeId from, byte[] response) {
        try {
            absorb(from, response);
        } catch (InvalidMessageException e) {
            toPersist.reject(e);
        }
        return step();
    }

    private void absorb(NodeId from, byte[] response) {
        awaiting.remove(from);
        List<byte[]> messages;
        try {
            messages = Wire.decodeDiff(response, maxDiffMessages, maxBody + 4096);
        } catch (InvalidMessageException e) {
            faults.add(new Fault(from, Fault.Kind.MALFORMED, "malformed diff: " + e.getMessage(), List.of(response)));
            throw e;
        }
        InvalidMessageException firstFault = null;
        List<Message> decoded = new ArrayList<>(messages.size());
        for (byte[] encoded : messages) {
            try {
                decoded.add(Wire.decode(encoded, maxBody, crypto.hashLength()));
            } catch (InvalidMessageException e) {
                faults.add(new Fault(from, Fault.Kind.MALFORMED, "relayed a malformed message: " + e.getMessage(),
                        List.of(encoded)));
                firstFault = firstFault == null ? e : firstFault;
                decoded.add(null);
            }
        }
        MessageTree.Batch batch = new MessageTree.Batch(decoded.stream().filter(java.util.Objects::nonNull)
                .toList());
        for (int i = 0; i < messages.size(); i++) {
            Message m = decoded.get(i);
            if (m == null) {
                continue;
            }
            try {
                tree.insert(m, messages.get(i), from, batch);
            } catch (InvalidMessageException e) {
                Reason r = e.reason();
                boolean expected = r == Reason.TOO_EARLY || r == Reason.UNKNOWN_REFERENCE || r == Reason.DUPLICATE;
                if (!expected && firstFault == null) {
                    firstFault = e; // the tree already logged what the message proves
                }
            }
        }
        absorbNotarizations();
        vote();
        persist(false);
        checkFinality();
        if (decision != null) {
            persist(true); // a decided node stops ticking: what decided it is written now
        }
        if (firstFault != null) {
            throw firstFault;
        }
    }

    @Override
    public Step onRequestFailed(NodeId peer) {
        awaiting.remove(peer);
        proposeWhenDue();
        int i = committee.indexOf(peer);
        if (i >= 0) {
            troubleAt[i] = tree.phase();
        }
        return step();
    }

    /**
     * Tick synchronisation. Evidence that an honest member reached a later tick, which the Byzantine weight cannot
     * produce alone (a leader message of that tick voted for by members of more than the tolerated faulty weight, or
     * a notarized one), moves our tick at once and lets us vote there. A validly signed leader message of a later tick
     * moves our tick only once our own tick's proposal phase is over, and we vote in a tick reached that way only on
     * that evidence or when our own clock gets there ({@link #votableTick}): a leader that speaks early takes neither
     * the proposal nor the votes away from the tick before, while honest clocks that drifted apart meet again. Ticks
     * only move forward, so the voting rule still holds.
     */
    private void absorbNotarizations() {
        votableTick = Math.max(votableTick, tree.highestBackedTick());
        boolean followLeaders = phase == 1 || mutations.has(Defect.CATCH_UP_ON_ANY_LEADER);
        catchUp(Math.max(tree.highestBackedTick(), followLeaders ? tree.highestLeaderTick() : -1));
        for (Entry e : tree.drainNotarized()) {
            catchUp(e.tick);
            pendingFinality.add(e);
        }
    }

    private void catchUp(long t) {
        if (t > tick && decision == null) {
            tick = t;
            phase = 0;
            tree.setMaxTick(tick + 1);
        }
    }

    private final List<Entry> pendingFinality = new ArrayList<>();

    private void checkFinality() {
        absorbNotarizations();
        List<Entry> check = List.copyOf(pendingFinality);
        pendingFinality.clear();
        for (Entry e : check) {
            Entry[] triple = tree.consecutiveTriple(e);
            if (triple == null) {
                continue;
            }
            Entry root = triple[1].root;
            if (decision == null) {
                decidedRoot = root;
                decision = new Decision(instance, 0, root.body(),
                        Proofs.encode(Proofs.chainTo(triple[2]), triple));
            } else if (root != decidedRoot && !Arrays.equals(root.body(), decision.value())) {
                throw new FatalConsensusException("two different values finalized in instance " + instance,
                        conflictEvidence(decidedRoot, root));
            }
        }
    }

    /** Voters who supported both chains: by quorum intersection more than a third of the weight, all suspects. */
    private List<Fault> conflictEvidence(Entry a, Entry b) {
        Set<NodeId> onA = votersUnder(a);
        List<Fault> out = new ArrayList<>();
        for (NodeId v : new TreeSet<>(votersUnder(b))) {
            if (onA.contains(v)) {
                out.add(new Fault(v, Fault.Kind.EQUIVOCATION, "voted on two chains that both finalized",
                        List.of(a.encoded, b.encoded)));
            }
        }
        return out;
    }

    private Set<NodeId> votersUnder(Entry root) {
        Set<NodeId> out = new HashSet<>();
        for (Entry e : tree.entries()) {
            if (e.root == root) {
                out.addAll(e.votes.keySet());
            }
        }
        return out;
    }

    @Override
    public FaultLog faults() {
        return faults;
    }

    @Override
    public String toDot() {
        return Dot.render(tree, self, decidedRoot);
    }

    @Override
    public Footprint footprint() {
        return new Footprint(tree.size(), tree.bytes()).plus(new Footprint(faults.size(), faults.bytes()));
    }

    /**
     * The retained-state bound. With n members, V = {@value MessageTree#MAX_VARIANTS} and T the highest tick whose
     * leader messages the tree accepts (our tick + 1; it stops growing once we decide), the tree holds per tick at
     * most V + n leader messages (the first V as they come; a further one only when votes of more than a third of
     * the weight back it, so it has an honest voter, and honest voters vote once per tick) and at most n votes for
     * each (one per voter and target):
     * <pre>
     *   entries ≤ (T + 1)(V + n)(n + 1)                                  + the fault log's capacity
     *   bytes   ≤ (T + 1)(V + n)(maxLeaderMessage + n · maxVote)          + the fault log's byte bound
     * </pre>
     * where maxLeaderMessage and maxVote are the largest encodings a member can sign ({@code streamlette.maxBody}
     * for a proposal's value, the suite's hash for a reference, the longest member id, a signature of at most
     * {@value Wire#MAX_SIGNATURE} bytes).
     */
    @Override
    public Footprint footprintBound() {
        long n = committee.size();
        long perTick = (MessageTree.MAX_VARIANTS + n);
        long ticks = Math.max(tree.maxTick(), tick + 1) + 1;
        long entries = Math.multiplyHigh(ticks, perTick * (n + 1)) != 0 ? Long.MAX_VALUE
                : ticks * perTick * (n + 1);
        long perTickBytes = perTick * (sizes.maxLeaderMessage() + n * sizes.maxVote());
        long bytes = ticks > Long.MAX_VALUE / Math.max(1, perTickBytes) ? Long.MAX_VALUE : ticks * perTickBytes;
        return new Footprint(entries, bytes).plus(new Footprint(faults.maxEntries(committee.size()),
                faults.maxBytes(committee.size())));
    }

    /** The largest pull request (a full summary) or response (a full diff) we hand out. */
    @Override
    public long maxMessageBytes() {
        return Math.max(sizes.maxPull(maxSummary), sizes.maxDiff(maxDiffMessages, maxDiffBytes));
    }
}
