package dev.bftkit.log;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.api.spi.WriteBatch;
import java.util.Arrays;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The log's snapshots on one node: it applies each committed entry to the {@link StateMachine}; after every
 * checkpoint height it takes a snapshot (the log's own state, its position, the hash of the entry before it and the
 * client table, with the state machine's bytes) and stores it, in chunks of {@value #CHUNK} bytes, beside a record of
 * its digest. Once the checkpoint entry is certified (its certificate carries the digest) the snapshot is stable:
 * it is what the node restores after a restart and hands to peers too far behind, and every older one is deleted.
 *
 * <p>Stored under the log's prefix: {@code C} + position → {@link Meta}; {@code S} + position + chunk → bytes.
 */
final class Snapshots {
    /** The most bytes of a snapshot stored under one key and sent in one response. */
    static final int CHUNK = 1 << 20;
    private static final int VERSION = 1;

    private final InstanceId log;
    private final LogKeys keys;
    private final StoredState stored;
    private final Crypto crypto;
    private final LogLimits limits;
    private final StateMachine machine;
    private final Membership membership;
    /** The newest certified snapshot stored, if any. */
    private Meta stable;
    /** The stable snapshot this node restored when it started, if it did. */
    private Meta restored;
    /** Snapshots taken and stored whose checkpoint entry is not certified yet, by position. */
    private final TreeMap<Long, Meta> taken = new TreeMap<>();

    /**
     * A stored snapshot's record.
     *
     * @param position how many entries it stands for
     * @param entryHash the hash of the entry at {@code position - 1}
     * @param digest the hash of its bytes
     * @param length its size in bytes
     * @param certificate the checkpoint entry's certificate (it carries the digest); empty until certified
     */
    record Meta(long position, byte[] entryHash, byte[] digest, long length, byte[] certificate) {
        int chunks() {
            return (int) ((length + CHUNK - 1) / CHUNK);
        }

        byte[] encode() {
            return new Encoder(32 + entryHash.length + digest.length + certificate.length).i64(position)
                    .bytes(entryHash).bytes(digest).i64(length).bytes(certificate).toByteArray();
        }

        static Meta decode(byte[] bytes) {
            Decoder d = new Decoder(bytes);
            Meta m = new Meta(d.nonNegative("position"), d.bytes(LogEntry.MAX_HASH),
                    d.bytes(Certificates.MAX_DIGEST), d.nonNegative("length"), d.bytes(Integer.MAX_VALUE));
            d.finish();
            return m;
        }

        Meta certified(byte[] cert) {
            return new Meta(position, entryHash, digest, length, cert);
        }
    }

    /**
     * The log's state a snapshot holds.
     *
     * @param position the next height
     * @param head the hash of the entry before it
     * @param clients the client table after it
     * @param membership the committee in force, any change pending, and this epoch's committee votes
     * @param application the state machine's bytes
     */
    record State(long position, byte[] head, ClientTable clients, Membership membership, byte[] application) {
    }

    Snapshots(InstanceId log, LogKeys keys, StoredState stored, Crypto crypto, LogLimits limits,
              StateMachine machine, Membership membership) {
        this.membership = membership;
        this.log = log;
        this.keys = keys;
        this.stored = stored;
        this.crypto = crypto;
        this.limits = limits;
        this.machine = machine;
        for (StoredState.Entry e : stored.scan(keys.kind('C'))) {
            Meta m = Meta.decode(e.value());
            if (m.certificate.length > 0 && (stable == null || m.position > stable.position)) {
                stable = m;
            } else if (m.certificate.length == 0) {
                taken.put(m.position, m);
            }
        }
    }

    /** {@return the stable snapshot this node restored when it started} */
    Optional<Meta> restored() {
        return Optional.ofNullable(restored);
    }

    /** {@return the newest certified snapshot this node stores} */
    Optional<Meta> stable() {
        return Optional.ofNullable(stable);
    }

    /** {@return the checkpoint a node hands out when it restores {@code m}: its proof is the entry hash and certificate} */
    Checkpoint checkpoint(Meta m) {
        return new Checkpoint(log, m.position, m.digest, proof(m.entryHash, m.certificate));
    }

    static byte[] proof(byte[] entryHash, byte[] certificate) {
        return new Encoder(16 + entryHash.length + certificate.length).bytes(entryHash).bytes(certificate)
                .toByteArray();
    }

    /**
     * Restores the stable snapshot into the state machine, after a restart.
     *
     * @return the log's state it holds, if there is a stable snapshot
     * @throws InvalidMessageException if the stored snapshot is damaged
     */
    Optional<State> restoreStable() {
        if (stable == null) {
            return Optional.empty();
        }
        Encoder all = new Encoder((int) stable.length);
        for (int i = 0; i < stable.chunks(); i++) {
            all.raw(stored.get(keys.snapshotChunk(stable.position, i)).orElseThrow(() -> new InvalidMessageException(
                    InvalidMessageException.Reason.MALFORMED, "a stored snapshot's chunk is missing")));
        }
        byte[] bytes = all.toByteArray();
        if (bytes.length != stable.length || !Arrays.equals(crypto.hash(bytes), stable.digest)) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "the stored snapshot at " + stable.position + " does not match its digest");
        }
        restored = stable;
        return Optional.of(restore(stable, bytes));
    }

    /**
     * Applies a committed entry to the state machine; after a checkpoint height, takes the snapshot (with the
     * client table and the membership as they are after the entry) and stores it.
     *
     * @param entryHash the entry's hash
     * @param clients the client table after the entry
     * @return the snapshot's digest after a checkpoint height, else empty
     */
    byte[] applied(LogEntry entry, byte[] entryHash, ClientTable clients, WriteBatch w) {
        machine.apply(entry);
        if (!limits.checkpointAfter(entry.height())) {
            return new byte[0];
        }
        long position = entry.height() + 1;
        byte[] application = machine.snapshot();
        Encoder e = new Encoder(64 + entryHash.length + application.length).u8(VERSION).i64(position)
                .bytes(entryHash);
        clients.encode(e);
        membership.encode(e);
        byte[] bytes = e.bytes(application).toByteArray();
        if (bytes.length > limits.maxSnapshotBytes()) {
            throw new FatalConsensusException("the snapshot after height " + entry.height() + " is " + bytes.length
                    + " bytes, over log.maxSnapshotBytes " + limits.maxSnapshotBytes(), java.util.List.of());
        }
        Meta m = new Meta(position, entryHash, crypto.hash(bytes), bytes.length, new byte[0]);
        Meta known = taken.get(position);
        if (known == null || !Arrays.equals(known.digest, m.digest)) {
            store(m, bytes, w); // after a restart the snapshot taken before it may be stored already
            taken.put(position, m);
        }
        return m.digest;
    }

    /** The checkpoint entry before {@code position} is certified: its snapshot becomes the stable one. */
    void certified(long position, byte[] certificate, WriteBatch w) {
        Meta m = taken.remove(position);
        if (m == null) {
            return; // taken before a snapshot this node restored since
        }
        makeStable(m.certified(certificate), w);
    }

    private void makeStable(Meta m, WriteBatch w) {
        if (stable != null) {
            delete(stable, w);
        }
        while (!taken.isEmpty() && taken.firstKey() <= m.position) {
            Meta older = taken.pollFirstEntry().getValue();
            if (older.position < m.position) {
                delete(older, w);
            }
        }
        stable = m;
        w.put(keys.snapshot(m.position), m.encode());
    }

    /**
     * Installs a peer's snapshot whose digest the committee certified, and restores it into the state machine.
     *
     * @return the log's state it holds
     * @throws InvalidMessageException if the bytes are not a snapshot at that position after that entry
     */
    State install(Meta m, byte[] bytes, WriteBatch w) {
        State s = decode(bytes);
        if (s.position != m.position || !Arrays.equals(s.head, m.entryHash)) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "a snapshot that holds another position or entry than its certificate");
        }
        for (Meta t : taken.values()) {
            delete(t, w);
        }
        taken.clear();
        store(m, bytes, w);
        makeStable(m, w);
        machine.restore(s.application);
        return s;
    }

    /** {@return bytes {@code offset ..} of the stable snapshot, at most one chunk; empty if none is stored} */
    byte[] chunk(long offset) {
        if (stable == null || offset < 0 || offset >= stable.length || offset % CHUNK != 0) {
            return new byte[0];
        }
        return stored.get(keys.snapshotChunk(stable.position, (int) (offset / CHUNK))).orElse(new byte[0]);
    }

    private State restore(Meta m, byte[] bytes) {
        State s = decode(bytes);
        if (s.position != m.position) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "a stored snapshot holds another position than its record");
        }
        machine.restore(s.application);
        return s;
    }

    private State decode(byte[] bytes) {
        Decoder d = new Decoder(bytes);
        if (d.u8() != VERSION) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "snapshot version");
        }
        long position = d.nonNegative("position");
        byte[] head = d.bytes(LogEntry.MAX_HASH);
        ClientTable clients = ClientTable.decode(d, limits.maxClients());
        Membership m = membership.blank();
        m.decode(d);
        State s = new State(position, head, clients, m, d.bytes(limits.maxSnapshotBytes()));
        d.finish();
        return s;
    }

    private void store(Meta m, byte[] bytes, WriteBatch w) {
        for (int i = 0; i < m.chunks(); i++) {
            w.put(keys.snapshotChunk(m.position, i), Arrays.copyOfRange(bytes, i * CHUNK,
                    (int) Math.min(bytes.length, (long) (i + 1) * CHUNK)));
        }
        w.put(keys.snapshot(m.position), m.encode());
    }

    private void delete(Meta m, WriteBatch w) {
        for (int i = 0; i < m.chunks(); i++) {
            w.delete(keys.snapshotChunk(m.position, i));
        }
        w.delete(keys.snapshot(m.position));
    }

    /** {@return the snapshots' records in memory (their bytes stay on disk)} */
    Footprint footprint() {
        return new Footprint(taken.size() + (stable == null ? 0 : 1), (taken.size() + 1L) * 256);
    }
}
