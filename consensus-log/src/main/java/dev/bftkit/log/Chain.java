package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.api.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The committed entries of one node's log: the next height, the hash chain's head, the entries not yet certified
 * and the most recent ones (the rest are read back from storage), the commit votes collected for them, and how many
 * are certified and handed out as decisions (always a prefix: entry {@code h} is handed out after {@code h - 1}).
 * Each committed entry is applied to the {@link Snapshots}' state machine; at a checkpoint height the commit vote
 * covers the snapshot's digest too, and once that entry is certified the entries more than
 * {@code log.retainEntries} below the snapshot are deleted.
 *
 * <p>Stored under the log's prefix: {@code E} + height → the entry and its certificate (empty until it has one);
 * {@code F} → the lowest height stored.
 */
final class Chain {
    /** Recent certified entries kept in memory besides the uncertified ones, for peers catching up. */
    static final int CACHE = 64;
    /** How far past our next height commit votes are kept (they count once we commit those heights). */
    static final int AHEAD = 256;
    /** The most of our own votes one message carries. */
    static final int VOTES_PER_MESSAGE = 8;

    private final InstanceId log;
    private final Crypto crypto;
    private final SigningKey key;
    private final Map<NodeId, Optional<PublicKey>> keys = new HashMap<>();
    private final LogKeys logKeys;
    private final StoredState stored;
    private final LogLimits limits;
    private final Snapshots snapshots;
    private final Membership membership;
    /** Writes the reload found needed (a snapshot taken again): made with the first step. */
    private final WriteBatch reloadWrites = new WriteBatch();
    private ClientTable clients;

    /** The lowest height stored: entries below it were pruned, or stand in the snapshot the node restored. */
    private long firstStored;
    /** The height from which this node hands out entries: 0, or the position of the snapshot it restored. */
    private long base;
    /** The hash of the entry before {@link #base}: zeros, or the restored snapshot's. */
    private byte[] baseHead;
    private long next;
    private byte[] head;
    private long certified;
    private final TreeMap<Long, Committed> cache = new TreeMap<>();
    private final TreeMap<Long, Map<NodeId, Certificates.Vote>> votes = new TreeMap<>();
    private final TreeMap<Long, Certificates.Vote> mine = new TreeMap<>();
    /** The snapshot digests of the committed checkpoint heights not yet handed out. */
    private final TreeMap<Long, byte[]> digests = new TreeMap<>();

    /**
     * One committed entry: its encoding, hash, certificate once it has one, and what commit votes for it sign (its
     * hash, or with the snapshot after it, the hash of both).
     */
    static final class Committed {
        final long height;
        final byte[] bytes;
        final byte[] hash;
        byte[] certificate;
        byte[] voted;

        Committed(long height, byte[] bytes, byte[] hash, byte[] certificate) {
            this.height = height;
            this.bytes = bytes;
            this.hash = hash;
            this.certificate = certificate;
            this.voted = hash;
        }
    }

    Chain(InstanceId log, Crypto crypto, SigningKey key, LogKeys logKeys, StoredState stored, LogLimits limits,
          Snapshots snapshots, Membership membership) {
        this.membership = membership;
        this.log = log;
        this.crypto = crypto;
        this.key = key;
        this.logKeys = logKeys;
        this.stored = stored;
        this.limits = limits;
        this.snapshots = snapshots;
        this.clients = new ClientTable(limits.maxClients());
        this.head = new byte[crypto.hashLength()];
        this.baseHead = head;
        reload();
    }

    ClientTable clients() {
        return clients;
    }

    long firstStored() {
        return firstStored;
    }

    /** {@return the writes the reload found needed; the first step makes them} */
    WriteBatch reloadWrites() {
        return reloadWrites;
    }

    long next() {
        return next;
    }

    byte[] head() {
        return head;
    }

    long certified() {
        return certified;
    }

    /**
     * Restores the stable snapshot, if there is one, then reads the stored entries after it back, in height order,
     * checking that each extends the one before and that its fresh marks are what the entries before it imply, and
     * applies each; rebuilds the client table and our own commit votes.
     *
     * @throws InvalidMessageException if the stored snapshot or entries are damaged
     */
    private void reload() {
        Optional<Snapshots.State> restored = snapshots.restoreStable();
        if (restored.isPresent()) {
            reset(restored.get());
        }
        firstStored = stored.get(logKeys.kind('F')).map(b -> new Decoder(b).nonNegative("lowest height"))
                .orElse(base);
        boolean contiguous = true;
        for (Optional<byte[]> rec = stored.get(logKeys.entry(next)); rec.isPresent();
             rec = stored.get(logKeys.entry(next))) {
            Committed c = stored(next, rec.get());
            LogEntry entry = LogEntry.decode(c.bytes, limits.maxValueBytes());
            if (entry.height() != next || !Arrays.equals(entry.previous(), head)
                    || !clients.mark(LogValue.unmarked(entry.values()), next).equals(entry.values())
                    || !membership.count(next, entry.values()).equals(entry.nextCommittee())) {
                throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                        "stored log entry " + next + " does not follow the one before it");
            }
            membership.committed(next);
            applied(c, entry, reloadWrites);
            contiguous &= c.certificate != null;
            certified = contiguous ? next + 1 : certified;
            head = c.hash;
            next++;
            keep(c);
            if (contiguous) {
                stabilise(c, reloadWrites); // certified in the step that crashed before its snapshot was stable
            }
        }
        for (Committed c : cache.values()) {
            if (c.certificate == null) {
                vote(c);
            }
        }
    }

    private void keep(Committed c) {
        cache.put(c.height, c);
        trim();
    }

    private void trim() {
        while (!cache.isEmpty() && cache.firstKey() < Math.min(certified, next - CACHE)) {
            cache.pollFirstEntry();
        }
    }

    /**
     * Starts the log over at a snapshot's state, forgetting every entry, vote and client before it.
     *
     * @param s the state a snapshot holds
     */
    private void reset(Snapshots.State s) {
        next = s.position();
        certified = next;
        base = next;
        head = s.head();
        baseHead = head;
        clients = s.clients();
        membership.adopt(s.membership());
        cache.clear();
        votes.clear();
        mine.clear();
        digests.clear();
    }

    /**
     * Installs a peer's certified snapshot, past every entry this node holds: deletes those entries, and goes on
     * from the snapshot's position.
     */
    void install(Snapshots.Meta m, byte[] bytes, Step.Builder out) {
        Snapshots.State s = snapshots.install(m, bytes, out.persist());
        for (long h = firstStored; h < next; h++) {
            out.persist().delete(logKeys.entry(h));
        }
        reset(s);
        firstStored = next;
        out.persist().put(logKeys.kind('F'), new Encoder(8).i64(firstStored).toByteArray());
    }

    /**
     * Takes the certificate of an entry this node committed and has not certified: the peer's entry must be ours,
     * and its certificate must carry our snapshot digest, if one was taken after it.
     */
    void attach(long height, byte[] bytes, byte[] certificate, Step.Builder out) {
        Committed c = cache.get(height);
        if (c == null || c.certificate != null) {
            return;
        }
        if (!Arrays.equals(c.bytes, bytes)) {
            throw new FatalConsensusException("a certified entry at height " + height + " differs from the one this"
                    + " node committed: more than a third of the weight signed both", List.of());
        }
        matchDigest(c, certificate);
        c.certificate = certificate;
        store(c, out);
        publish(out);
        votes.headMap(certified).clear();
    }

    /**
     * A peer's stable snapshot at a position this node has committed past but not certified: its certificate, for
     * the entry before the position, covers that entry and, through the hash chain, every one before it. This node
     * makes its own snapshot there stable, hands out its checkpoint, and goes on certifying from there.
     */
    void certifyThrough(Snapshots.Meta m, Step.Builder out) {
        long p = m.position();
        Committed last = cache.get(p - 1);
        if (last == null || p <= certified) {
            return;
        }
        if (!Arrays.equals(last.hash, m.entryHash())) {
            throw new FatalConsensusException("a certified snapshot at " + p + " follows another entry than the one"
                    + " this node committed: more than a third of the weight signed both", List.of());
        }
        matchDigest(last, m.certificate());
        last.certificate = m.certificate();
        store(last, out);
        digests.remove(last.height);
        snapshots.certified(p, m.certificate(), out.persist());
        out.checkpoint(snapshots.checkpoint(snapshots.stable().orElseThrow()));
        digests.headMap(p).clear();
        certified = p;
        base = p;
        baseHead = last.hash;
        prune(p - limits.retainEntries(), out.persist());
        publish(out);
        votes.headMap(certified).clear();
    }

    private void matchDigest(Committed c, byte[] certificate) {
        if (!Arrays.equals(Certificates.digest(certificate), digestOf(c))) {
            throw new FatalConsensusException("the snapshot after height " + c.height + " differs from the one the"
                    + " committee certified: the state machine is not deterministic", List.of());
        }
    }

    /** The decisions of every certified entry from {@link #base}: what a restarted log hands out again. */
    void replay(Step.Builder out) {
        for (long h = base; h < certified; h++) {
            Committed c = entry(h).orElseThrow(() -> new IllegalStateException("certified entry missing"));
            out.decide(new Decision(log, h, c.bytes, c.certificate));
        }
    }

    /** {@return the hash of the entry before {@code height}, if this node still knows it} */
    Optional<byte[]> hashBefore(long height) {
        if (height == next) {
            return Optional.of(head);
        }
        return height == base ? Optional.of(baseHead) : height == 0 ? Optional.of(new byte[crypto.hashLength()])
                : entry(height - 1).map(c -> c.hash);
    }

    /** {@return the committed entry at {@code height}, from memory or storage} */
    Optional<Committed> entry(long height) {
        Committed c = cache.get(height);
        if (c != null || height >= next) {
            return Optional.ofNullable(c);
        }
        return stored.get(logKeys.entry(height)).map(rec -> stored(height, rec));
    }

    /** {@return the entry at {@code height} as {@link #store} wrote it: its encoding, then its certificate or none} */
    private Committed stored(long height, byte[] record) {
        Decoder d = new Decoder(record);
        byte[] bytes = d.bytes(Integer.MAX_VALUE);
        byte[] certificate = d.bytes(Integer.MAX_VALUE);
        d.finish();
        return new Committed(height, bytes, crypto.hash(bytes), certificate.length == 0 ? null : certificate);
    }

    /**
     * Commits the next entry: marks its values, stores it (with {@code certificate} if it came with one), signs our
     * commit vote, and hands out every entry certified by now.
     *
     * @return the entry as committed
     */
    LogEntry commit(List<LogValue> values, byte[] certificate, Step.Builder out) {
        List<LogValue> marked = clients.mark(values, next);
        LogEntry entry = new LogEntry(next, head, marked, membership.count(next, marked));
        byte[] bytes = entry.encode();
        Committed c = new Committed(next, bytes, crypto.hash(bytes), certificate);
        membership.committed(next);
        applied(c, entry, out.persist());
        if (certificate != null) {
            matchDigest(c, certificate);
        }
        store(c, out);
        head = c.hash;
        next++;
        keep(c);
        vote(c);
        if (certificate == null) {
            certify(c, out);
        }
        publish(out);
        votes.headMap(certified).clear();
        return entry;
    }

    /** Applies {@code entry} to the state machine; after a checkpoint height, votes for the snapshot's digest too. */
    private void applied(Committed c, LogEntry entry, WriteBatch w) {
        byte[] digest = snapshots.applied(entry, c.hash, clients, w);
        c.voted = Certificates.voted(crypto, c.hash, digest);
        if (digest.length > 0) {
            digests.put(c.height, digest);
        }
    }

    private byte[] digestOf(Committed c) {
        return digests.getOrDefault(c.height, new byte[0]);
    }

    private void store(Committed c, Step.Builder out) {
        byte[] cert = c.certificate == null ? new byte[0] : c.certificate;
        out.persist().put(logKeys.entry(c.height), new Encoder(c.bytes.length + cert.length + 8).bytes(c.bytes)
                .bytes(cert).toByteArray());
    }

    private void vote(Committed c) {
        if (!membership.at(c.height).contains(key.publicKey().nodeId())) {
            return; // not a voter at that height: this node follows the log
        }
        byte[] signature = key.sign(Certificates.signingBytes(log, c.height, c.voted));
        mine.put(c.height, new Certificates.Vote(c.height, c.voted, signature));
        mine.headMap(Math.min(certified, next - VOTES_PER_MESSAGE)).clear();
        addVote(key.publicKey().nodeId(), mine.get(c.height));
    }

    /** Certifies {@code c} if the votes collected for it carry more than a third of the weight. */
    private void certify(Committed c, Step.Builder out) {
        Map<NodeId, Certificates.Vote> at = votes.getOrDefault(c.height, Map.of());
        List<Certificates.Signed> signed = new ArrayList<>();
        List<NodeId> signers = new ArrayList<>();
        Committee committee = membership.at(c.height);
        for (NodeId member : committee.members()) {
            Certificates.Vote v = at.get(member);
            if (v != null && Arrays.equals(v.hash(), c.voted)) {
                signed.add(new Certificates.Signed(committee.indexOf(member), v.signature()));
                signers.add(member);
            }
        }
        if (committee.exceedsOneThird(committee.weightOf(signers))) {
            c.certificate = Certificates.encode(digestOf(c), signed);
            store(c, out);
        }
    }

    /** Hands out the certified entries that follow the last one handed out. */
    private void publish(Step.Builder out) {
        for (Committed c = cache.get(certified); c != null && c.certificate != null; c = cache.get(certified)) {
            out.decide(new Decision(log, c.height, c.bytes, c.certificate));
            certified++;
            stabilise(c, out.persist());
        }
        trim();
    }

    /** A certified entry after which a snapshot was taken: that snapshot is stable, the entries below it pruned. */
    private void stabilise(Committed c, WriteBatch w) {
        byte[] digest = digests.remove(c.height);
        if (digest == null) {
            return;
        }
        if (!Arrays.equals(Certificates.digest(c.certificate), digest)) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "the snapshot after stored"
                    + " entry " + c.height + " differs from the one certified: the state machine is not deterministic");
        }
        snapshots.certified(c.height + 1, c.certificate, w);
        prune(c.height + 1 - limits.retainEntries(), w);
    }

    /** Deletes the stored entries below {@code below}: a stable snapshot stands for them. */
    private void prune(long below, WriteBatch w) {
        if (below <= firstStored) {
            return;
        }
        for (long h = firstStored; h < below; h++) {
            w.delete(logKeys.entry(h));
        }
        firstStored = below;
        w.put(logKeys.kind('F'), new Encoder(8).i64(firstStored).toByteArray());
    }

    /**
     * Takes a peer's commit vote: checks its signature once, keeps the first per member and height, records a
     * member that signed two different entries at one height, or an entry other than the one we committed there;
     * certifies our entry once enough votes agree.
     */
    void accept(NodeId from, Certificates.Vote v, FaultLog faults, Step.Builder out) {
        if (v.height() < certified || v.height() >= next + AHEAD || !membership.at(v.height()).contains(from)) {
            return; // not wanted, or not a voter there (a member removed, say)
        }
        Certificates.Vote known = votes.getOrDefault(v.height(), Map.of()).get(from);
        if (known != null && Arrays.equals(known.hash(), v.hash())) {
            return; // a vote we hold already
        }
        Optional<PublicKey> pk = keys.computeIfAbsent(from, id -> crypto.decodePublicKey(id.bytes()));
        byte[] signed = Certificates.signingBytes(log, v.height(), v.hash());
        if (pk.isEmpty() || !crypto.verify(pk.get(), signed, v.signature())) {
            fault(faults, out, new Fault(from, Fault.Kind.FORGED_SIGNATURE, "commit vote for height " + v.height()
                    + " does not verify", List.of(signed, v.signature())));
            return;
        }
        Committed ours = cache.get(v.height());
        if (known != null || ours != null && !Arrays.equals(ours.voted, v.hash())) {
            fault(faults, out, new Fault(from, known != null ? Fault.Kind.EQUIVOCATION : Fault.Kind.INVALID_VOTE,
                    "signed a commit vote for another entry at height " + v.height(), List.of(signed,
                    v.signature())));
            return;
        }
        addVote(from, v);
        if (ours != null && ours.certificate == null) {
            certify(ours, out);
            publish(out);
            votes.headMap(certified).clear();
        }
    }

    private void addVote(NodeId from, Certificates.Vote v) {
        votes.computeIfAbsent(v.height(), h -> new HashMap<>()).put(from, v);
    }

    private static void fault(FaultLog faults, Step.Builder out, Fault f) {
        if (faults.add(f)) {
            out.fault(f);
        }
    }

    /** {@return the header of a message to a peer that has certified {@code peerCertified} entries} */
    Wire.Header header(long peerCertified) {
        List<Certificates.Vote> send = new ArrayList<>(VOTES_PER_MESSAGE);
        for (Certificates.Vote v : mine.tailMap(peerCertified).values()) {
            if (send.size() == VOTES_PER_MESSAGE) {
                break; // the oldest the peer lacks first: it certifies in height order
            }
            send.add(v);
        }
        return new Wire.Header(next, certified, send);
    }

    /** {@return certified entries from {@code from} on, within the fetch bounds (at least one if there is one)} */
    List<Wire.Certified> certifiedFrom(long from) {
        List<Wire.Certified> out = new ArrayList<>();
        long bytes = 0;
        for (long h = from; h < certified && out.size() < limits.maxFetchEntries(); h++) {
            Optional<Committed> c = entry(h);
            if (c.isEmpty() || c.get().certificate == null
                    || !out.isEmpty() && bytes + c.get().bytes.length > limits.maxFetchBytes()) {
                break;
            }
            bytes += c.get().bytes.length + c.get().certificate.length;
            out.add(new Wire.Certified(c.get().bytes, c.get().certificate));
        }
        return out;
    }

    /** {@return true if {@code certificate} certifies an entry with these bytes at {@code height}} */
    boolean verify(long height, byte[] hash, byte[] certificate) {
        return Certificates.verify(membership.at(height), crypto, id -> keys.computeIfAbsent(id,
                k -> crypto.decodePublicKey(k.bytes())), log, height, hash, certificate);
    }

    /** {@return what the chain holds in memory: cached entries and collected votes} */
    Footprint footprint() {
        long bytes = 0;
        for (Committed c : cache.values()) {
            bytes += c.bytes.length + (c.certificate == null ? 0 : c.certificate.length);
        }
        long entries = cache.size();
        for (Map<NodeId, Certificates.Vote> m : votes.values()) {
            entries += m.size();
            for (Certificates.Vote v : m.values()) {
                bytes += 16L + v.hash().length + v.signature().length;
            }
        }
        return new Footprint(entries, bytes);
    }

    /** {@return the most the chain may hold: {@value #CACHE} entries besides the uncertified ones, and votes} */
    Footprint footprintBound() {
        long window = next - certified + AHEAD;
        int members = membership.latest().size();
        long entries = CACHE + (next - certified) + window * members;
        long bytes = (CACHE + next - certified) * (limits.maxEntryBytes() + Certificates.maxBytes(members, crypto))
                + window * members * (16L + crypto.hashLength() + crypto.signatureLength());
        return new Footprint(entries, bytes);
    }
}

