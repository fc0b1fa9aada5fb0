package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who votes in the log, height by height. A committee change is a log value: a member's signed vote for the next
 * committee ({@link #vote}), with client id {@link #VOTE_CLIENT} and the signer's node id. The log counts the votes
 * of each committed entry, in order, on every member alike; once members of the committee in force holding a
 * supermajority of its weight voted for the same committee in the same epoch, the change is scheduled: it takes
 * effect at the first segment start after that entry (the next height for a one-shot Decider), and the entry
 * before that height names the new committee ({@link LogEntry#nextCommittee()}), so the chain itself tells every
 * reader which committee signs what. One change is pending at a time; votes counted while one is pending are
 * weighed once it takes effect; a supermajority for the committee in force changes nothing. At most
 * {@value #MAX_MEMBERS} members.
 */
final class Membership {
    /** The most members a committee may have. */
    static final int MAX_MEMBERS = 1024;
    static final String VOTE_TAG = "bftkit/log/v1/committee";
    /** The client id prefix of committee votes: a zero byte, then {@code committee}; the signer's id follows. */
    static final byte[] VOTE_CLIENT = "\0committee".getBytes(StandardCharsets.US_ASCII);
    /** How a raw submission that asks to vote begins (a byte no batch begins with); the committee follows. */
    static final byte[] CHANGE_MAGIC = "\u00ffbftkit/log/committee-change\u0000".getBytes(StandardCharsets.ISO_8859_1);

    private final InstanceId log;
    private final Crypto crypto;
    private final int segmentEntries;
    /** How many committees, the one in force and those before it, {@link #at} remembers. */
    static final int HISTORY = 8;

    private long epoch;
    /** The committee in force (the last) and the ones before it: the height each took effect → the committee. */
    private final TreeMap<Long, Committee> history = new TreeMap<>();
    private Committee inForce;
    private Committee next;
    private long nextAt = -1;
    /** This epoch's votes: the voted committee's encoding → its signers, in id order. */
    private final TreeMap<ByteKey, TreeSet<NodeId>> tally = new TreeMap<>();

    Membership(InstanceId log, Crypto crypto, int segmentEntries, Committee genesis) {
        this.log = log;
        this.crypto = crypto;
        this.segmentEntries = segmentEntries;
        this.inForce = genesis;
        history.put(0L, genesis);
    }

    /**
     * {@return the committee that decides and certifies the entry at {@code height}, as far as this node knows (below
     * the oldest committee it remembers, that one)}
     */
    Committee at(long height) {
        if (next != null && height >= nextAt) {
            return next;
        }
        Map.Entry<Long, Committee> e = history.floorEntry(height);
        return e != null ? e.getValue() : history.firstEntry().getValue();
    }

    /** {@return the newest committee this node knows of: the pending one, or the one in force} */
    Committee latest() {
        return next != null ? next : inForce;
    }

    /** {@return true if {@code id} is in the committee in force or the pending one} */
    boolean known(NodeId id) {
        return inForce.contains(id) || next != null && next.contains(id);
    }

    long epoch() {
        return epoch;
    }

    /**
     * {@return the committee that takes effect right after the entry at {@code height}, if one does, after counting
     * that entry's committee votes} Call once per entry, in height order, before the entry is encoded.
     */
    Optional<Committee> count(long height, List<LogValue> values) {
        for (LogValue v : values) {
            if (v.fresh() && isVote(v.client())) {
                take(v);
            }
        }
        weigh(height);
        return next != null && nextAt == height + 1 ? Optional.of(next) : Optional.empty();
    }

    /** The entry at {@code height} is committed: a change scheduled for the height after it takes effect. */
    void committed(long height) {
        if (next != null && nextAt == height + 1) {
            inForce = next;
            history.put(nextAt, next);
            while (history.size() > HISTORY) {
                history.pollFirstEntry();
            }
            next = null;
            nextAt = -1;
            weigh(height); // votes counted while the change was pending
        }
    }

    private void take(LogValue v) {
        NodeId signer;
        try {
            signer = NodeId.of(Arrays.copyOfRange(v.client(), VOTE_CLIENT.length, v.client().length));
            Decoder d = new Decoder(v.payload());
            long e = d.nonNegative("epoch");
            byte[] committee = d.bytes(MAX_MEMBERS * 64 + 16);
            byte[] signature = d.bytes(crypto.signatureLength());
            d.finish();
            Optional<PublicKey> key = crypto.decodePublicKey(signer.bytes());
            if (e != epoch || key.isEmpty() || !crypto.verify(key.get(), signingBytes(e, committee), signature)) {
                return;
            }
            decodeCommittee(committee);
            tally.computeIfAbsent(new ByteKey(committee), k -> new TreeSet<>()).add(signer);
        } catch (InvalidMessageException | IllegalArgumentException e) {
            // not a valid vote: the value stays in the entry and counts for nothing
        }
    }

    private void weigh(long height) {
        if (next != null) {
            return;
        }
        for (Map.Entry<ByteKey, TreeSet<NodeId>> t : tally.entrySet()) {
            if (inForce.isSupermajority(inForce.weightOf(t.getValue()))) {
                Committee voted = decodeCommittee(t.getKey().bytes());
                if (voted.equals(inForce)) {
                    tally.remove(t.getKey()); // nothing to change
                    return;
                }
                next = voted;
                nextAt = (height / segmentEntries + 1) * segmentEntries;
                epoch++;
                tally.clear();
                return;
            }
        }
    }

    /** {@return a raw submission that asks the node to vote for {@code next}} */
    static byte[] changeRequest(Committee next) {
        byte[] c = encodeCommittee(next);
        return new Encoder(CHANGE_MAGIC.length + c.length).raw(CHANGE_MAGIC).raw(c).toByteArray();
    }

    /** {@return the committee a raw submission asks to vote for, if it is such a request} */
    static Optional<Committee> changeRequested(byte[] payload) {
        if (!startsWith(payload, CHANGE_MAGIC)) {
            return Optional.empty();
        }
        return Optional.of(decodeCommittee(Arrays.copyOfRange(payload, CHANGE_MAGIC.length, payload.length)));
    }

    /** {@return the client id of the votes {@code key}'s member signs} */
    static byte[] voter(SigningKey key) {
        byte[] signer = key.publicKey().nodeId().bytes();
        return new Encoder(VOTE_CLIENT.length + signer.length).raw(VOTE_CLIENT).raw(signer).toByteArray();
    }

    /** {@return the log value of this member's signed vote for {@code committee} in the current epoch} */
    LogValue vote(SigningKey key, Committee committee, long request) {
        byte[] c = encodeCommittee(committee);
        return new LogValue(voter(key), request, new Encoder(c.length + 96).i64(epoch).bytes(c)
                .bytes(key.sign(signingBytes(epoch, c))).toByteArray(), true);
    }

    private byte[] signingBytes(long e, byte[] committee) {
        return Domain.signingBytes(VOTE_TAG, log, new Encoder(committee.length + 16).i64(e).bytes(committee)
                .toByteArray());
    }

    static boolean isVote(byte[] client) {
        return startsWith(client, VOTE_CLIENT);
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** {@return a committee's canonical encoding: its members in id order, each with its weight} */
    static byte[] encodeCommittee(Committee c) {
        Encoder e = new Encoder(8 + c.size() * 48).i32(c.size());
        for (Map.Entry<NodeId, Long> m : c.weights().entrySet()) {
            e.bytes(m.getKey().bytes()).i64(m.getValue());
        }
        return e.toByteArray();
    }

    /**
     * {@return the committee {@link #encodeCommittee} wrote}
     *
     * @throws InvalidMessageException if the bytes are not a committee of 1 to {@value #MAX_MEMBERS} members
     */
    static Committee decodeCommittee(byte[] bytes) {
        Decoder d = new Decoder(bytes);
        Committee c = decodeCommittee(d);
        d.finish();
        return c;
    }

    static Committee decodeCommittee(Decoder d) {
        int n = d.count(MAX_MEMBERS, 12);
        Map<NodeId, Long> weights = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] id = d.bytes(64);
            long weight = d.nonNegative("weight");
            try {
                if (weights.put(NodeId.of(id), weight) != null) {
                    throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "a member twice");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, e.getMessage());
            }
        }
        try {
            return Committee.of(weights);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, e.getMessage());
        }
    }

    /** {@return a membership of the same log with the same committee in force, to decode a snapshot's into} */
    Membership blank() {
        return new Membership(log, crypto, segmentEntries, inForce);
    }

    /** Takes {@code other}'s state: a restored snapshot's. */
    void adopt(Membership other) {
        epoch = other.epoch;
        history.clear();
        history.putAll(other.history);
        inForce = other.inForce;
        next = other.next;
        nextAt = other.nextAt;
        tally.clear();
        tally.putAll(other.tally);
    }

    /** Writes the membership's state, for a snapshot. */
    void encode(Encoder e) {
        e.i64(epoch).i64(history.lastKey()).bytes(encodeCommittee(inForce)).bool(next != null);
        if (next != null) {
            e.bytes(encodeCommittee(next)).i64(nextAt);
        }
        e.i32(tally.size());
        for (Map.Entry<ByteKey, TreeSet<NodeId>> t : tally.entrySet()) {
            e.bytes(t.getKey().bytes()).i32(t.getValue().size());
            for (NodeId id : t.getValue()) {
                e.bytes(id.bytes());
            }
        }
    }

    /** Reads what {@link #encode} wrote, replacing this membership's state. */
    void decode(Decoder d) {
        epoch = d.nonNegative("epoch");
        long from = d.nonNegative("in force from");
        inForce = decodeCommittee(d.bytes(MAX_MEMBERS * 80 + 16));
        history.clear();
        history.put(from, inForce);
        next = null;
        nextAt = -1;
        if (d.bool()) {
            next = decodeCommittee(d.bytes(MAX_MEMBERS * 80 + 16));
            nextAt = d.nonNegative("effective height");
        }
        tally.clear();
        int n = d.count(MAX_MEMBERS, 8);
        for (int i = 0; i < n; i++) {
            byte[] c = d.bytes(MAX_MEMBERS * 80 + 16);
            int k = d.count(MAX_MEMBERS, 4);
            List<NodeId> signers = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                signers.add(NodeId.of(d.bytes(64)));
            }
            tally.put(new ByteKey(c), new TreeSet<>(signers));
        }
    }
}

