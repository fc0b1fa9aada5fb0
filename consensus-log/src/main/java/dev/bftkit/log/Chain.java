package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.Fault;
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
 *
 * <p>Stored under the log's prefix: {@code E} + height → the entry and its certificate (empty until it has one).
 */
final class Chain {
    /** Recent certified entries kept in memory besides the uncertified ones, for peers catching up. */
    static final int CACHE = 64;
    /** How far past our next height commit votes are kept (they count once we commit those heights). */
    static final int AHEAD = 256;
    /** The most of our own votes one message carries. */
    static final int VOTES_PER_MESSAGE = 8;

    private final InstanceId log;
    private final Committee committee;
    private final Crypto crypto;
    private final SigningKey key;
    private final Map<NodeId, Optional<PublicKey>> keys = new HashMap<>();
    private final LogKeys logKeys;
    private final StoredState stored;
    private final LogLimits limits;
    final ClientTable clients;

    private long next;
    private byte[] head;
    private long certified;
    private final TreeMap<Long, Committed> cache = new TreeMap<>();
    private final TreeMap<Long, Map<NodeId, Certificates.Vote>> votes = new TreeMap<>();
    private final TreeMap<Long, Certificates.Vote> mine = new TreeMap<>();

    /** One committed entry: its encoding, hash, and certificate once it has one. */
    static final class Committed {
        final long height;
        final byte[] bytes;
        final byte[] hash;
        byte[] certificate;

        Committed(long height, byte[] bytes, byte[] hash, byte[] certificate) {
            this.height = height;
            this.bytes = bytes;
            this.hash = hash;
            this.certificate = certificate;
        }
    }

    Chain(InstanceId log, Committee committee, Crypto crypto, SigningKey key, LogKeys logKeys, StoredState stored,
          LogLimits limits) {
        this.log = log;
        this.committee = committee;
        this.crypto = crypto;
        this.key = key;
        this.logKeys = logKeys;
        this.stored = stored;
        this.limits = limits;
        this.clients = new ClientTable(limits.maxClients());
        this.head = new byte[crypto.hashLength()];
        reload();
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
     * Reads the stored entries back, in height order, checking that each extends the one before and that its
     * fresh marks are what the entries before it imply; rebuilds the client table and our own commit votes.
     *
     * @throws InvalidMessageException if the stored entries are damaged
     */
    private void reload() {
        boolean contiguous = true;
        for (Optional<byte[]> rec = stored.get(logKeys.entry(0)); rec.isPresent(); rec = stored.get(logKeys.entry(next))) {
            Committed c = stored(next, rec.get());
            LogEntry entry = LogEntry.decode(c.bytes, limits.maxValueBytes());
            if (entry.height() != next || !Arrays.equals(entry.previous(), head)
                    || !clients.mark(LogValue.unmarked(entry.values()), next).equals(entry.values())) {
                throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                        "stored log entry " + next + " does not follow the one before it");
            }
            contiguous &= c.certificate != null;
            certified = contiguous ? next + 1 : certified;
            head = c.hash;
            next++;
            keep(c);
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

    /** The decisions of every certified entry, from height 0: what a restarted log hands out again. */
    void replay(Step.Builder out) {
        for (long h = 0; h < certified; h++) {
            Committed c = entry(h).orElseThrow(() -> new IllegalStateException("certified entry missing"));
            out.decide(new Decision(log, h, c.bytes, c.certificate));
        }
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
        LogEntry entry = new LogEntry(next, head, clients.mark(values, next));
        byte[] bytes = entry.encode();
        Committed c = new Committed(next, bytes, crypto.hash(bytes), certificate);
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

    private void store(Committed c, Step.Builder out) {
        byte[] cert = c.certificate == null ? new byte[0] : c.certificate;
        out.persist().put(logKeys.entry(c.height), new Encoder(c.bytes.length + cert.length + 8).bytes(c.bytes)
                .bytes(cert).toByteArray());
    }

    private void vote(Committed c) {
        byte[] signature = key.sign(Certificates.signingBytes(log, c.height, c.hash));
        mine.put(c.height, new Certificates.Vote(c.height, c.hash, signature));
        mine.headMap(Math.min(certified, next - VOTES_PER_MESSAGE)).clear();
        addVote(key.publicKey().nodeId(), mine.get(c.height));
    }

    /** Certifies {@code c} if the votes collected for it carry more than a third of the weight. */
    private void certify(Committed c, Step.Builder out) {
        Map<NodeId, Certificates.Vote> at = votes.getOrDefault(c.height, Map.of());
        List<Certificates.Signed> signed = new ArrayList<>();
        List<NodeId> signers = new ArrayList<>();
        for (NodeId member : committee.members()) {
            Certificates.Vote v = at.get(member);
            if (v != null && Arrays.equals(v.hash(), c.hash)) {
                signed.add(new Certificates.Signed(committee.indexOf(member), v.signature()));
                signers.add(member);
            }
        }
        if (committee.exceedsOneThird(committee.weightOf(signers))) {
            c.certificate = Certificates.encode(signed);
            store(c, out);
        }
    }

    /** Hands out the certified entries that follow the last one handed out. */
    private void publish(Step.Builder out) {
        for (Committed c = cache.get(certified); c != null && c.certificate != null; c = cache.get(certified)) {
            out.decide(new Decision(log, c.height, c.bytes, c.certificate));
            certified++;
        }
        trim();
    }

    /**
     * Takes a peer's commit vote: checks its signature once, keeps the first per member and height, records a
     * member that signed two different entries at one height, or an entry other than the one we committed there;
     * certifies our entry once enough votes agree.
     */
    void accept(NodeId from, Certificates.Vote v, FaultLog faults, Step.Builder out) {
        if (v.height() < certified || v.height() >= next + AHEAD) {
            return;
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
        if (known != null || ours != null && !Arrays.equals(ours.hash, v.hash())) {
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
        List<Certificates.Vote> send = new ArrayList<>(
                mine.tailMap(Math.max(peerCertified, next - VOTES_PER_MESSAGE)).values());
        return new Wire.Header(next, certified, send.subList(0, Math.min(send.size(), Wire.MAX_VOTES)));
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
        return Certificates.verify(committee, crypto, id -> keys.computeIfAbsent(id,
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
        long entries = CACHE + (next - certified) + window * committee.size();
        long bytes = (CACHE + next - certified) * (limits.maxEntryBytes() + Certificates.maxBytes(committee, crypto))
                + window * committee.size() * (16L + crypto.hashLength() + crypto.signatureLength());
        return new Footprint(entries, bytes);
    }
}
