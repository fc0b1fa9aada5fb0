package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.StoredState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * A replicated log on one node, over an inner Decider (see {@link LogDeciderProvider} for the design). Routes each
 * input to the inner Decider of the segment it belongs to, wraps what that hands out in the log's messages, commits
 * each entry the inner Decider decides, and collects commit votes into certificates; the entries it hands out as
 * decisions are the certified ones, in height order.
 */
final class LogDecider implements Decider {
    static final String SEGMENT_TAG = "bftkit/log/v1/segment";
    /** The most batches of our own values an ordered-stream Decider holds undecided in one segment. */
    static final int MAX_BATCHES_IN_FLIGHT = 4;

    private final DeciderProvider innerProvider;
    private final DeciderConfig config;
    private final Map<String, String> innerOptions = new HashMap<>();
    private final InstanceId log;
    private final Membership membership;
    private final Crypto crypto;
    private final NodeId self;
    private final LogLimits limits;
    private final boolean oneShot;
    private final boolean clientRequests;
    private final LogKeys keys;
    private final Snapshots snapshots;
    private final Chain chain;
    private final Pending pending;
    private final FaultLog faults = new FaultLog();
    private final Wire.Bounds bounds;
    private final Map<NodeId, Long> peerCertified = new HashMap<>();
    private final Set<ByteKey> ownBatches = new HashSet<>();
    /** Members the inner Decider took out, whom this member voted out of the log's committee. */
    private final Set<NodeId> votedOut = new HashSet<>();
    /** The committee this member last asked for and does not see in force or pending yet, if any. */
    private Committee wish;
    private final List<byte[]> staleInner = new ArrayList<>();
    private Segment current;
    private Segment previous;
    private final Outstanding outstanding = new Outstanding();
    private NodeId fetching;
    /** A peer's snapshot being fetched, chunk by chunk, from {@link #fetching}. */
    private Transfer transfer;
    /** Ticks since the fetch in flight was sent: it is given up after {@value #FETCH_TICKS}. */
    private int fetchAge;
    static final int FETCH_TICKS = 4;
    /**
     * Ticks after which entries this node committed but cannot certify (the votes it needs are gone: its peers
     * restored snapshots past them, say) are fetched with their certificates, or covered by a peer's snapshot.
     */
    static final int STUCK_TICKS = 32;
    private int stuckTicks;
    /** Ticks since this node last committed an entry: what {@link #currentTick()} reports over an ordered stream. */
    private long sinceCommit;
    private long lastCertified;
    private Step.Builder out = Step.builder();

    LogDecider(DeciderProvider innerProvider, DeciderConfig config, StateMachine.Factory machines) {
        this.innerProvider = innerProvider;
        this.config = config;
        this.log = config.instance();
        this.crypto = config.crypto();
        this.self = config.self();
        this.oneShot = LogDeciderProvider.oneShot(innerProvider);
        this.limits = LogLimits.of(config, oneShot);
        this.clientRequests = config.option("log.clientRequests").map(v -> Boolean.parseBoolean(v.trim()))
                .orElse(false);
        config.options().forEach((k, v) -> {
            if (!k.startsWith(LogLimits.PREFIX)) {
                innerOptions.put(k, v);
            }
        });
        this.keys = new LogKeys(log);
        this.membership = new Membership(log, crypto, limits.segmentEntries(), config.committee());
        this.snapshots = new Snapshots(log, keys, config.stored(), crypto, limits, machines.create(self),
                membership);
        this.chain = new Chain(log, crypto, config.key(), keys, config.stored(), limits, snapshots, membership);
        this.pending = new Pending(keys, limits, config.stored(), chain.clients());
        this.wish = config.stored().get(keys.kind('W')).map(Membership::decodeCommittee).orElse(null);
        this.current = open(segmentOf(chain.next()), true);
        if (current.index > 0 && !config.stored().scan(keys.segment(current.index - 1)).isEmpty()
                && before(current.index - 1).isPresent()) {
            this.previous = open(current.index - 1, true); // peers may still need us to finish it
        }
        for (StoredState.Entry e : config.stored().scan(keys.kind('I'))) {
            if (!Membership.startsWith(e.key(), current.namespace)
                    && (previous == null || !Membership.startsWith(e.key(), previous.namespace))) {
                staleInner.add(e.key());
            }
        }
        this.bounds = new Wire.Bounds(crypto.hashLength(), crypto.signatureLength(),
                (int) Math.min(Integer.MAX_VALUE - 1024, current.decider.maxMessageBytes()),
                limits.maxFetchEntries(), limits.maxEntryBytes(),
                Certificates.maxBytes(Membership.MAX_MEMBERS, crypto));
    }

    @Override
    public InstanceId instance() {
        return log;
    }

    @Override
    public Step start() {
        out.persist(chain.reloadWrites());
        snapshots.restored().ifPresent(m -> out.checkpoint(snapshots.checkpoint(m)));
        pending.dropStale(out);
        for (byte[] k : staleInner) {
            out.persist().delete(k);
        }
        staleInner.clear();
        chain.replay(out);
        absorb(current, current.decider.start());
        if (previous != null) {
            absorb(previous, previous.decider.start());
        }
        return take();
    }

    @Override
    public Step submit(byte[] payload) {
        try {
            Optional<Committee> change = Membership.changeRequested(payload);
            if (change.isPresent()) {
                wish(change.get());
                return take();
            }
            List<LogValue> values = clientRequests ? Batch.decode(payload, limits.maxPendingValues(),
                    limits.maxPendingBytes() + 32L * limits.maxPendingValues() + 16, limits.maxValueBytes())
                    : List.of(new LogValue(self.bytes(), pending.takeRequestId(), payload, true));
            for (LogValue v : values) {
                if (clientRequests && v.client()[0] == 0) {
                    throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                            "client ids that start with a zero byte are the log's own");
                }
                if (chain.clients().fresh(v.client(), v.request())) {
                    pending.add(v, out);
                }
            }
        } catch (InvalidMessageException e) {
            out.reject(e);
        }
        return take();
    }

    @Override
    public Step tick() {
        sinceCommit++;
        stuckTicks = chain.certified() < chain.next() && chain.certified() == lastCertified ? stuckTicks + 1 : 0;
        lastCertified = chain.certified();
        if (!oneShot) {
            submitBatches();
        }
        absorb(current, current.decider.tick());
        if (previous != null) {
            absorb(previous, previous.decider.tick()); // it asks too: peers may not finish it without us
        }
        exchangeVotes();
        return take();
    }

    /**
     * The inner Decider may fall silent once it has decided all it was given, so the log keeps votes moving itself:
     * each tick it asks every peer that has not certified our last entry, or every peer while we have not, for
     * entries from our next height; the request carries our votes and the answer the peer's. A node outside the
     * committee (one that follows the log, or is joining it) asks every member each tick: nobody else writes to it.
     */
    private void exchangeVotes() {
        if (fetching != null && ++fetchAge > FETCH_TICKS) {
            fetching = null; // unanswered, or its failure was taken for an inner request's
        }
        Committee committee = membership.at(chain.next());
        boolean uncertified = chain.certified() < chain.next() || !committee.contains(self);
        for (NodeId peer : committee.members()) {
            if (!peer.equals(self) && (uncertified || certifiedBy(peer) < chain.next()) && !peer.equals(fetching)
                    && !outstanding.waiting(peer)) {
                out.send(new Outbound(peer, Wire.fetch(chain.header(certifiedBy(peer)), chain.next())));
            }
        }
    }

    @Override
    public int phasesPerTick() {
        return current.decider.phasesPerTick();
    }

    @Override
    public Step onRequest(NodeId from, byte[] request) {
        Wire.Message m = decode(from, request, true);
        if (m == null) {
            return take();
        }
        header(from, m.header());
        if (m instanceof Wire.Inner i) {
            Segment s = serving(i.segment());
            if (s == null) {
                out.reply(Wire.status(chain.header(certifiedBy(from)), i.segment()));
            } else {
                Step st = s.decider.onRequest(from, i.bytes());
                absorb(s, st);
                st.reply().ifPresent(r -> out.reply(Wire.inner(false, chain.header(certifiedBy(from)), s.index, r)));
            }
        } else if (m instanceof Wire.Fetch f) {
            Optional<Snapshots.Meta> stable = snapshots.stable();
            out.reply(f.from() < chain.firstStored() && stable.isPresent()
                    ? Wire.snapshot(chain.header(certifiedBy(from)), stable.get(), 0, snapshots.chunk(0))
                    : Wire.entries(chain.header(certifiedBy(from)), chain.certifiedFrom(f.from())));
        } else if (m instanceof Wire.SnapshotFetch f) {
            Optional<Snapshots.Meta> stable = snapshots.stable();
            long offset = stable.isPresent() && stable.get().position() == f.position() ? f.offset() : 0;
            out.reply(stable.isEmpty() ? Wire.entries(chain.header(certifiedBy(from)),
                    chain.certifiedFrom(f.position())) : Wire.snapshot(chain.header(certifiedBy(from)), stable.get(),
                    offset, snapshots.chunk(offset)));
        }
        maybeFetch(from, m.header());
        return take();
    }

    @Override
    public Step onResponse(NodeId from, byte[] response) {
        Wire.Message m = decode(from, response, false);
        if (m == null) {
            requestFailed(from);
            return take();
        }
        header(from, m.header());
        if (m instanceof Wire.Inner i) {
            Segment s = serving(i.segment());
            if (s != null && outstanding.answered(from, i.segment())) {
                absorb(s, s.decider.onResponse(from, i.bytes()));
            }
        } else if (m instanceof Wire.Status st) {
            Segment s = serving(st.segment());
            if (s != null && outstanding.answered(from, st.segment())) {
                absorb(s, s.decider.onRequestFailed(from)); // the peer is elsewhere: for the inner Decider, no answer
            }
        } else if (m instanceof Wire.Entries e) {
            fetching = from.equals(fetching) ? null : fetching;
            if (e.entries().isEmpty() && e.header().certified() > chain.next()) {
                refuse(from, Fault.Kind.MALFORMED, "claimed " + e.header().certified() + " certified entries and sent"
                        + " none from " + chain.next(), response); // an honest peer sends at least the first
            } else {
                applyEntries(from, e.entries(), response);
            }
        } else if (m instanceof Wire.Snapshot sn) {
            fetching = from.equals(fetching) ? null : fetching;
            snapshotChunk(from, sn, response);
        }
        maybeFetch(from, m.header());
        return take();
    }

    @Override
    public Step onRequestFailed(NodeId peer) {
        requestFailed(peer);
        return take();
    }

    /**
     * A request to {@code peer} got no usable answer. Which one is not known, so the inner Decider's oldest request
     * to that peer is taken as failed (it must hear about each of its requests); else the fetch, if one is waiting.
     */
    private void requestFailed(NodeId peer) {
        OptionalLong segment = outstanding.failed(peer);
        Segment s = segment.isPresent() ? serving(segment.getAsLong()) : null;
        if (s != null) {
            absorb(s, s.decider.onRequestFailed(peer));
        } else if (peer.equals(fetching)) {
            fetching = null;
        }
    }

    @Override
    public FaultLog faults() {
        return faults;
    }

    /**
     * {@inheritDoc} A one-shot inner Decider's (a fresh instance, and so the clock's first tick, for each entry); over
     * an ordered stream, the ticks since this node last committed an entry, at most its segment's: so the clock's
     * ticks stay short while entries commit, and grow only while none does.
     */
    @Override
    public long currentTick() {
        return oneShot ? current.decider.currentTick() : Math.min(current.decider.currentTick(), sinceCommit);
    }

    @Override
    public Footprint footprint() {
        Footprint f = current.decider.footprint().plus(chain.footprint()).plus(pending.footprint())
                .plus(snapshots.footprint()).plus(new Footprint(1, transfer == null ? 0 : transfer.received()));
        return previous == null ? f : f.plus(previous.decider.footprint());
    }

    /**
     * {@inheritDoc} The inner Decider's bound for the segment it runs and for the one before it (kept to answer
     * peers that have not finished it), {@link Chain#footprintBound()} and {@link Pending#footprintBound()}.
     */
    @Override
    public Footprint footprintBound() {
        Footprint f = current.decider.footprintBound().plus(chain.footprintBound()).plus(pending.footprintBound())
                .plus(snapshots.footprint()).plus(new Footprint(1, limits.maxSnapshotBytes()));
        return previous == null ? f : f.plus(previous.decider.footprintBound());
    }

    @Override
    public long maxMessageBytes() {
        long header = bounds.maxHeader() + 16;
        long entries = header + limits.maxFetchBytes() + limits.maxEntryBytes()
                + limits.maxFetchEntries() * (8 + bounds.certificateBytes());
        long snapshot = header + 64 + LogEntry.MAX_HASH + bounds.certificateBytes() + Snapshots.CHUNK;
        return Math.max(Math.max(header + bounds.inner() + 16, entries), snapshot);
    }

    @Override
    public void close() {
        current.decider.close();
        if (previous != null) {
            previous.decider.close();
        }
    }

    /** {@return the step built so far, and a fresh builder for the next input} */
    private Step take() {
        Step s = out.build();
        out = Step.builder();
        return s;
    }

    private long segmentOf(long height) {
        return height / limits.segmentEntries();
    }

    private Segment serving(long segment) {
        return segment == current.index ? current : previous != null && segment == previous.index ? previous : null;
    }

    private long certifiedBy(NodeId peer) {
        return peerCertified.getOrDefault(peer, 0L);
    }

    /** {@return the hash of the entry before segment {@code index}'s first, if this node still holds it} */
    private Optional<byte[]> before(long index) {
        return chain.hashBefore(index * limits.segmentEntries());
    }

    /** Opens the inner Decider of segment {@code index}, bound to the entry before its first. */
    private Segment open(long index, boolean reload) {
        long start = index * limits.segmentEntries();
        byte[] before = before(index).orElseThrow(() -> new IllegalStateException("no entry before segment"));
        InstanceId instance = InstanceId.of(crypto.hash(new Encoder().bytes(SEGMENT_TAG.getBytes(
                StandardCharsets.US_ASCII)).bytes(log.bytes()).i64(index).bytes(before).toByteArray()));
        byte[] namespace = keys.segment(index);
        List<byte[]> storedKeys = new ArrayList<>();
        if (reload) {
            for (StoredState.Entry e : config.stored().scan(namespace)) {
                storedKeys.add(e.key());
            }
        }
        Committee committee = membership.at(start);
        if (!committee.contains(self)) {
            return new Segment(index, start, instance, namespace, new Observer(instance), storedKeys);
        }
        DeciderConfig c = new DeciderConfig(instance, committee, config.key(), crypto,
                Segment.view(config.stored(), namespace), new InnerApplication(), SeededRandom.mix(config.seed()
                ^ SeededRandom.mix(index)), innerOptions);
        return new Segment(index, start, instance, namespace, innerProvider.create(c), storedKeys);
    }

    /** Carries an inner step into the log's step: its writes under the segment's prefix, its requests wrapped. */
    private void absorb(Segment s, Step st) {
        s.persist(st.persist(), out.persist());
        for (Outbound o : st.send()) {
            outstanding.sent(o.peer(), s.index);
            out.send(new Outbound(o.peer(), Wire.inner(true, chain.header(certifiedBy(o.peer())), s.index,
                    o.request())));
        }
        for (Fault f : st.faults()) {
            fault(f);
        }
        for (Decision d : st.decisions()) {
            decided(s, d);
        }
        for (MemberChange c : st.memberChanges()) {
            innerMemberChange(c);
        }
        st.rejected().ifPresent(out::reject);
    }

    /** The inner Decider of {@code s} decided: commit the entry, or check it against the one committed. */
    private void decided(Segment s, Decision d) {
        if (s != current || d.position() >= limits.segmentEntries()) {
            return; // a retired segment, or past the entries a segment decides
        }
        ownBatches.remove(new ByteKey(crypto.hash(d.value())));
        long height = s.start + d.position();
        List<LogValue> values = valid(d.value());
        if (height < chain.next()) {
            List<LogValue> committed = LogEntry.decode(chain.entry(height).orElseThrow().bytes, Integer.MAX_VALUE)
                    .values();
            if (!LogValue.unmarked(committed).equals(values)) {
                throw new FatalConsensusException("the inner Decider decided at height " + height
                        + " another batch than the certified entry", List.of());
            }
            return;
        }
        if (height > chain.next()) {
            throw new IllegalStateException("inner decision at height " + height + " before " + chain.next());
        }
        commit(values, null);
    }

    /**
     * This member wants {@code committee}: it keeps that wish (durably) and votes for it in the current epoch, its
     * earlier votes still pending dropped; each time the epoch moves on without the wish in force, it votes again.
     */
    private void wish(Committee committee) {
        wish = committee;
        out.persist().put(keys.kind('W'), Membership.encodeCommittee(committee));
        voteForWish();
    }

    private void voteForWish() {
        pending.dropVotes(Membership.voter(config.key()), out);
        if (wish == null) {
            return;
        }
        if (wish.equals(membership.latest())) {
            wish = null;
            out.persist().delete(keys.kind('W'));
            return;
        }
        pending.add(membership.vote(config.key(), wish, pending.takeRequestId()), out);
    }

    /**
     * The inner Decider removed or excluded a member (PARSEC's decided accusation, say): the application hears of it,
     * and this member votes to take it out of the log's committee too (once per member and run).
     */
    private void innerMemberChange(MemberChange c) {
        out.memberChange(new MemberChange(log, c.member(), c.kind()));
        Committee latest = membership.latest();
        if (c.kind() == MemberChange.Kind.ADDED || !latest.contains(c.member()) || latest.size() == 1
                || !votedOut.add(c.member())) {
            return;
        }
        Map<NodeId, Long> rest = new TreeMap<>(latest.weights());
        rest.remove(c.member());
        try {
            wish(Committee.of(rest));
        } catch (InvalidMessageException e) {
            votedOut.remove(c.member()); // pending is full: vote when the inner Decider hands it out again
        }
    }

    /** Hands out the members the committee change that took effect with the last commit added and removed. */
    private void memberChanges(Committee before, Committee after) {
        if (before.equals(after)) {
            return;
        }
        for (NodeId id : after.members()) {
            if (!before.contains(id)) {
                out.memberChange(new MemberChange(log, id, MemberChange.Kind.ADDED));
            }
        }
        for (NodeId id : before.members()) {
            if (!after.contains(id)) {
                out.memberChange(new MemberChange(log, id, MemberChange.Kind.REMOVED));
            }
        }
    }

    private void commit(List<LogValue> values, byte[] certificate) {
        sinceCommit = 0;
        Committee before = membership.at(chain.next());
        long epoch = membership.epoch();
        LogEntry e = chain.commit(values, certificate, out);
        memberChanges(before, membership.at(chain.next()));
        if (membership.epoch() != epoch) {
            voteForWish();
        }
        pending.committed(e.values(), out);
        long s = segmentOf(chain.next());
        if (s == current.index) {
            return;
        }
        if (previous != null) {
            previous.delete(out.persist());
            previous.decider.close();
        }
        if (s == current.index + 1) {
            previous = current;
        } else {
            current.delete(out.persist());
            current.decider.close();
            previous = null;
        }
        current = open(s, false);
        outstanding.forgetBelow(previous != null ? previous.index : current.index);
        pending.releaseAll();
        ownBatches.clear();
        absorb(current, current.decider.start());
    }

    /** The values of a decided batch that the application accepts: none if it is not a batch. */
    private List<LogValue> valid(byte[] batch) {
        List<LogValue> out = new ArrayList<>();
        try {
            for (LogValue v : Batch.decode(batch, limits)) {
                if (v.committeeVote() || config.application().validate(v.payload())) {
                    out.add(v);
                }
            }
        } catch (InvalidMessageException e) {
            return List.of(); // a faulty member's vote (an ordered stream decides what it is given): an empty entry
        }
        return out;
    }

    /** Catch-up: commits the certified entries a peer sent, each extending our head. */
    private void applyEntries(NodeId from, List<Wire.Certified> entries, byte[] raw) {
        for (Wire.Certified c : entries) {
            LogEntry e;
            try {
                e = LogEntry.decode(c.entry(), limits.maxValueBytes());
            } catch (InvalidMessageException x) {
                refuse(from, Fault.Kind.MALFORMED, "sent a malformed entry: " + x.getMessage(), raw);
                return;
            }
            if (e.height() < chain.next()) {
                if (e.height() >= chain.certified()) {
                    if (!chain.verify(e.height(), crypto.hash(c.entry()), c.certificate())) {
                        refuse(from, Fault.Kind.FORGED_SIGNATURE, "sent entry " + e.height()
                                + " with a certificate that does not verify", raw);
                        return;
                    }
                    chain.attach(e.height(), c.entry(), c.certificate(), out); // one we committed, uncertified
                }
                continue;
            }
            if (e.height() != chain.next()) {
                refuse(from, Fault.Kind.MALFORMED, "sent entry " + e.height() + " when asked for " + chain.next(), raw);
                return;
            }
            if (!chain.verify(e.height(), crypto.hash(c.entry()), c.certificate())) {
                refuse(from, Fault.Kind.FORGED_SIGNATURE, "sent entry " + e.height()
                        + " with a certificate that does not verify", raw);
                return;
            }
            if (!Arrays.equals(e.previous(), chain.head())) {
                throw new FatalConsensusException("a certified entry at height " + e.height()
                        + " extends another entry than ours: more than a third of the weight signed both", List.of());
            }
            commit(LogValue.unmarked(e.values()), c.certificate());
            if (!Arrays.equals(chain.entry(e.height()).orElseThrow().bytes, c.entry())) {
                throw new FatalConsensusException("a certified entry at height " + e.height()
                        + " marks its values otherwise than the entries before it imply", List.of());
            }
        }
    }

    /**
     * Catch-up by snapshot: a chunk of a peer's stable snapshot, which we asked for (a fetch from below the entries it
     * keeps). The certificate must verify with the committee and carry a digest; the chunks must come in order;
     * the whole must hash to the digest. Then the log restores it and goes on from its position.
     */
    private void snapshotChunk(NodeId from, Wire.Snapshot sn, byte[] raw) {
        if (sn.position() <= chain.certified() || faults.offenders().contains(from)) {
            return; // we need it no longer
        }
        if (sn.length() > limits.maxSnapshotBytes() || sn.offset() + sn.chunk().length > sn.length()
                || sn.chunk().length == 0) {
            refuse(from, Fault.Kind.MALFORMED, "sent a snapshot chunk of " + sn.chunk().length + " bytes at "
                    + sn.offset() + " of " + sn.length(), raw);
            return;
        }
        byte[] digest;
        try {
            digest = Certificates.digest(sn.certificate());
        } catch (InvalidMessageException e) {
            digest = new byte[0];
        }
        if (digest.length == 0 || !chain.verify(sn.position() - 1, sn.entryHash(), sn.certificate())) {
            refuse(from, Fault.Kind.FORGED_SIGNATURE, "sent a snapshot at " + sn.position()
                    + " whose certificate does not verify", raw);
            return;
        }
        Snapshots.Meta m = new Snapshots.Meta(sn.position(), sn.entryHash(), digest, sn.length(), sn.certificate());
        if (sn.position() <= chain.next()) {
            chain.certifyThrough(m, out); // we hold its entries, uncertified: the certificate covers them all
            return;
        }
        if (transfer == null || !transfer.same(from, m)) {
            if (sn.offset() != 0) {
                return; // a chunk of a transfer given up
            }
            transfer = new Transfer(from, m);
        }
        if (!transfer.add(sn.offset(), sn.chunk())) {
            return; // a repeat
        }
        if (!transfer.complete()) {
            fetching = from;
            fetchAge = 0;
            out.send(new Outbound(from, Wire.snapshotFetch(chain.header(certifiedBy(from)), m.position(),
                    transfer.received())));
            return;
        }
        byte[] bytes = transfer.bytes();
        transfer = null;
        if (!Arrays.equals(crypto.hash(bytes), digest)) {
            refuse(from, Fault.Kind.FORGED_SIGNATURE, "sent snapshot bytes that do not hash to the certified digest",
                    raw);
            return;
        }
        restore(from, m, bytes, raw);
    }

    /** Installs a peer's snapshot whose bytes match its certified digest, and goes on from its position. */
    private void restore(NodeId from, Snapshots.Meta m, byte[] bytes, byte[] raw) {
        Committee before = membership.at(chain.next());
        long epoch = membership.epoch();
        try {
            chain.install(m, bytes, out);
            memberChanges(before, membership.at(chain.next()));
            if (membership.epoch() != epoch) {
                voteForWish();
            }
        } catch (InvalidMessageException e) {
            refuse(from, Fault.Kind.MALFORMED, "sent a snapshot that does not decode: " + e.getMessage(), raw);
            return;
        }
        pending.dropCommitted(chain.clients(), out);
        for (Segment s : previous == null ? List.of(current) : List.of(previous, current)) {
            s.delete(out.persist());
            s.decider.close();
        }
        previous = null;
        current = open(segmentOf(chain.next()), false);
        outstanding.forgetBelow(current.index);
        pending.releaseAll();
        ownBatches.clear();
        out.checkpoint(snapshots.checkpoint(m));
        absorb(current, current.decider.start());
    }

    private void refuse(NodeId from, Fault.Kind kind, String detail, byte[] evidence) {
        fault(new Fault(from, kind, detail, List.of(evidence)));
        out.reject(new InvalidMessageException(kind == Fault.Kind.MALFORMED ? InvalidMessageException.Reason.MALFORMED
                : InvalidMessageException.Reason.BAD_SIGNATURE, detail));
    }

    private void fault(Fault f) {
        if (faults.add(f)) {
            out.fault(f);
        }
    }

    private Wire.Message decode(NodeId from, byte[] bytes, boolean request) {
        if (!membership.known(from)) {
            out.reject(new InvalidMessageException(InvalidMessageException.Reason.NOT_MEMBER,
                    from + " is not a member of the committee in force or the next"));
            return null;
        }
        try {
            return Wire.decode(bytes, request, bounds);
        } catch (InvalidMessageException e) {
            refuse(from, Fault.Kind.MALFORMED, "malformed log " + (request ? "request" : "response") + ": "
                    + e.getMessage(), bytes);
            return null;
        }
    }

    private void header(NodeId from, Wire.Header h) {
        peerCertified.put(from, h.certified());
        for (Certificates.Vote v : h.votes()) {
            chain.accept(from, v, faults, out);
        }
    }

    /**
     * Asks a peer for certified entries when it has one we lack, one fetch at a time, never a peer in our fault log
     * (its claims are worth nothing, and it would keep us asking). A certified entry is final, so
     * the inner Decider need not decide it here (a retired instance, no longer ticking, may not even relay all it
     * holds).
     */
    private void maybeFetch(NodeId from, Wire.Header h) {
        // the peer certified our first uncertified entry and keeps its vote for it no longer, or votes do not come
        boolean stuck = h.certified() > chain.certified() && (chain.certified() < h.next() - Chain.VOTES_PER_MESSAGE
                || stuckTicks > STUCK_TICKS);
        if (fetching == null && (h.certified() > chain.next() || stuck) && !faults.offenders().contains(from)) {
            fetching = from;
            fetchAge = 0;
            out.send(new Outbound(from, Wire.fetch(chain.header(certifiedBy(from)),
                    stuck ? chain.certified() : chain.next())));
        }
    }

    /** Ordered-stream Deciders: votes for batches of the pending values no batch holds yet. */
    private void submitBatches() {
        while (ownBatches.size() < MAX_BATCHES_IN_FLIGHT) {
            List<LogValue> batch = pending.batch(true);
            if (batch.isEmpty()) {
                return;
            }
            byte[] bytes = Batch.encode(batch);
            ownBatches.add(new ByteKey(crypto.hash(bytes)));
            try {
                absorb(current, current.decider.submit(bytes));
            } catch (IllegalArgumentException | IllegalStateException e) {
                return; // the inner Decider holds all it may: the values wait for the next segment
            }
        }
    }

    /**
     * {@return {@code batch}, or when it is empty the value the application proposes now, if any: a one-shot inner
     * Decider's leader asks {@link Application#propose()} when it holds no submitted value (a block producer's
     * mempool, say; an application that only submits returns empty)}
     */
    private List<LogValue> orProposed(List<LogValue> batch) {
        if (!batch.isEmpty()) {
            return batch;
        }
        Optional<byte[]> v = config.application().propose();
        if (v.isEmpty() || v.get().length > limits.maxValueBytes() || !config.application().validate(v.get())) {
            return batch;
        }
        return List.of(new LogValue(self.bytes(), pending.takeRequestId(), v.get(), true));
    }

    /** What the inner Decider proposes and accepts: batches of pending values, each value valid. */
    private final class InnerApplication implements Application {
        @Override
        public Optional<byte[]> propose() {
            List<LogValue> batch = orProposed(pending.batch(false));
            return batch.isEmpty() ? Optional.empty() : Optional.of(Batch.encode(batch));
        }

        @Override
        public boolean validate(byte[] value) {
            try {
                for (LogValue v : Batch.decode(value, limits)) {
                    if (!v.committeeVote() && !config.application().validate(v.payload())) {
                        return false;
                    }
                }
                return true;
            } catch (InvalidMessageException e) {
                return false;
            }
        }
    }
}

