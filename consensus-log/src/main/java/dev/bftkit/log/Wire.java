package dev.bftkit.log;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The log's messages. Every one starts with a {@link Header}: the sender's next height, how many entries it has
 * certified, and its commit votes the receiver may lack. Requests: {@link Inner} (the inner Decider's request for one
 * segment), {@link Fetch} (certified entries from a height) and {@link SnapshotFetch} (a chunk of a snapshot).
 * Responses: {@link Inner}, {@link Status} (the segment asked about is not served here: too old or not begun),
 * {@link Entries} and {@link Snapshot} (the answer to a fetch from below the entries a node keeps).
 */
final class Wire {
    static final int VERSION = 1;
    static final int INNER_REQUEST = 1;
    static final int FETCH = 2;
    static final int INNER_RESPONSE = 3;
    static final int STATUS = 4;
    static final int ENTRIES = 5;
    static final int SNAPSHOT_FETCH = 6;
    static final int SNAPSHOT = 7;
    /** The most commit votes one message carries. */
    static final int MAX_VOTES = 16;

    private Wire() {
    }

    /** What every message starts with. */
    record Header(long next, long certified, List<Certificates.Vote> votes) {
    }

    /** A log message. */
    sealed interface Message permits Inner, Fetch, Status, Entries, SnapshotFetch, Snapshot {
        Header header();
    }

    /** The inner Decider's request or response for one segment. */
    record Inner(Header header, long segment, byte[] bytes) implements Message {
    }

    /** Asks for certified entries from a height on. */
    record Fetch(Header header, long from) implements Message {
    }

    /** The asked segment is not served here. */
    record Status(Header header, long segment) implements Message {
    }

    /** Certified entries, consecutive, from the height asked. */
    record Entries(Header header, List<Certified> entries) implements Message {
    }

    /** Asks for the bytes from {@code offset} of the snapshot at {@code position}. */
    record SnapshotFetch(Header header, long position, long offset) implements Message {
    }

    /**
     * A chunk of the sender's stable snapshot, with what proves it: the snapshot stands for the entries below
     * {@code position}, the last of which has hash {@code entryHash} and the certificate (carrying the digest).
     */
    record Snapshot(Header header, long position, byte[] entryHash, byte[] certificate, long length, long offset,
                    byte[] chunk) implements Message {
    }

    /** An entry's encoding and its certificate. */
    record Certified(byte[] entry, byte[] certificate) {
    }

    /** The sizes a decoder accepts. */
    record Bounds(int hash, int signature, int inner, int maxEntries, long entryBytes, long certificateBytes) {
        long maxHeader() {
            return 32L + MAX_VOTES * (8L + 4 + hash + 4 + signature);
        }
    }

    static byte[] inner(boolean request, Header h, long segment, byte[] bytes) {
        Encoder e = header(Encoder.message(VERSION, request ? INNER_REQUEST : INNER_RESPONSE), h);
        return e.i64(segment).bytes(bytes).toByteArray();
    }

    static byte[] fetch(Header h, long from) {
        return header(Encoder.message(VERSION, FETCH), h).i64(from).toByteArray();
    }

    static byte[] status(Header h, long segment) {
        return header(Encoder.message(VERSION, STATUS), h).i64(segment).toByteArray();
    }

    static byte[] snapshotFetch(Header h, long position, long offset) {
        return header(Encoder.message(VERSION, SNAPSHOT_FETCH), h).i64(position).i64(offset).toByteArray();
    }

    static byte[] snapshot(Header h, Snapshots.Meta m, long offset, byte[] chunk) {
        return header(Encoder.message(VERSION, SNAPSHOT), h).i64(m.position()).bytes(m.entryHash())
                .bytes(m.certificate()).i64(m.length()).i64(offset).bytes(chunk).toByteArray();
    }

    static byte[] entries(Header h, List<Certified> entries) {
        Encoder e = header(Encoder.message(VERSION, ENTRIES), h).i32(entries.size());
        for (Certified c : entries) {
            e.bytes(c.entry()).bytes(c.certificate());
        }
        return e.toByteArray();
    }

    private static Encoder header(Encoder e, Header h) {
        e.i64(h.next()).i64(h.certified()).u8(h.votes().size());
        for (Certificates.Vote v : h.votes()) {
            e.i64(v.height()).bytes(v.hash()).bytes(v.signature());
        }
        return e;
    }

    /**
     * Decodes a message, checking that it is a request or a response as expected.
     *
     * @throws InvalidMessageException if malformed, over a bound, or of the wrong direction
     */
    static Message decode(byte[] bytes, boolean request, Bounds b) {
        Decoder d = Decoder.message(bytes, VERSION);
        int kind = d.kind();
        boolean isRequest = kind == INNER_REQUEST || kind == FETCH || kind == SNAPSHOT_FETCH;
        if (kind < INNER_REQUEST || kind > SNAPSHOT) {
            throw d.unknownKind("log message");
        }
        if (isRequest != request) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "a " + (request ? "response" : "request") + " kind (" + kind + ") where a "
                            + (request ? "request" : "response") + " belongs");
        }
        Header h = decodeHeader(d, b);
        Message m = switch (kind) {
            case INNER_REQUEST, INNER_RESPONSE -> new Inner(h, d.nonNegative("segment"), d.bytes(b.inner()));
            case FETCH -> new Fetch(h, d.nonNegative("height"));
            case STATUS -> new Status(h, d.nonNegative("segment"));
            case SNAPSHOT_FETCH -> new SnapshotFetch(h, d.nonNegative("position"), d.nonNegative("offset"));
            case SNAPSHOT -> new Snapshot(h, d.nonNegative("position"), d.bytes(LogEntry.MAX_HASH),
                    d.bytes((int) Math.min(Integer.MAX_VALUE, b.certificateBytes())), d.nonNegative("length"),
                    d.nonNegative("offset"), d.bytes(Snapshots.CHUNK));
            default -> new Entries(h, decodeEntries(d, b));
        };
        d.finish();
        return m;
    }

    private static Header decodeHeader(Decoder d, Bounds b) {
        long next = d.nonNegative("next height");
        long certified = d.nonNegative("certified count");
        if (certified > next) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    certified + " certified of " + next + " entries");
        }
        int n = d.u8();
        if (n > MAX_VOTES) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, n + " votes, over " + MAX_VOTES);
        }
        List<Certificates.Vote> votes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            votes.add(new Certificates.Vote(d.nonNegative("vote height"), d.bytes(b.hash()), d.bytes(b.signature())));
        }
        return new Header(next, certified, votes);
    }

    private static List<Certified> decodeEntries(Decoder d, Bounds b) {
        int n = d.count(b.maxEntries(), 8);
        List<Certified> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Certified(d.bytes((int) Math.min(Integer.MAX_VALUE, b.entryBytes())),
                    d.bytes((int) Math.min(Integer.MAX_VALUE, b.certificateBytes()))));
        }
        return out;
    }
}
