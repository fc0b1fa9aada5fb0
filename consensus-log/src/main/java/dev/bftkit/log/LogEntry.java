package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the log: its height (0, 1, 2…), the hash of the entry before it (all zero bytes before height 0), the
 * values decided in it, in order, and, on the last entry before a committee change takes effect, the committee that
 * decides and certifies the entries after it. A log {@link Decision}'s value is an entry's {@link #encode()
 * encoding}, its position is the height, and its proof a certificate over the entry's hash by the committee in force
 * at that height; {@link #of(Decision)} reads it back.
 *
 * @param height the entry's height
 * @param previous the hash of the entry at {@code height - 1}
 * @param values the values, each marked fresh or repeated
 * @param nextCommittee the committee in force from the next height on, when it changes there
 */
public record LogEntry(long height, byte[] previous, List<LogValue> values, Optional<Committee> nextCommittee) {
    static final int VERSION = 2;
    /** The longest hash an entry refers to, in bytes. */
    static final int MAX_HASH = 64;

    /**
     * Validates and copies.
     *
     * @param height 0 or more
     * @param previous the previous entry's hash
     * @param values the values
     * @param nextCommittee the committee in force from the next height on, if it changes there
     * @throws IllegalArgumentException if the height is negative or the hash is empty or too long
     */
    public LogEntry {
        Objects.requireNonNull(nextCommittee, "nextCommittee");
        if (height < 0) {
            throw new IllegalArgumentException("height must be 0 or more");
        }
        if (previous.length == 0 || previous.length > MAX_HASH) {
            throw new IllegalArgumentException("previous hash must be 1.." + MAX_HASH + " bytes");
        }
        previous = previous.clone();
        values = List.copyOf(values);
    }

    /**
     * An entry after which the committee stays as it is.
     *
     * @param height 0 or more
     * @param previous the previous entry's hash
     * @param values the values
     */
    public LogEntry(long height, byte[] previous, List<LogValue> values) {
        this(height, previous, values, Optional.empty());
    }

    /** {@return a copy of the previous entry's hash} */
    @Override
    public byte[] previous() {
        return previous.clone();
    }

    /** {@return the fresh values' payloads, in order, but for committee votes: what an application applies} */
    public List<byte[]> freshPayloads() {
        List<byte[]> out = new ArrayList<>();
        for (LogValue v : values) {
            if (v.fresh() && !v.committeeVote()) {
                out.add(v.payload());
            }
        }
        return out;
    }

    /** {@return the canonical encoding, which a log decision carries and the entry's hash covers} */
    public byte[] encode() {
        int size = 32 + previous.length;
        for (LogValue v : values) {
            size += LogValue.MIN_ENCODED + v.size() + 64;
        }
        Encoder e = new Encoder(size).u8(VERSION).i64(height).bytes(previous).i32(values.size());
        for (LogValue v : values) {
            v.encode(e, true);
        }
        e.bool(nextCommittee.isPresent());
        nextCommittee.ifPresent(c -> e.bytes(Membership.encodeCommittee(c)));
        return e.toByteArray();
    }

    /**
     * {@return the entry a log decision carries}
     *
     * @param decision a decision of a log Decider
     * @throws InvalidMessageException if its value is not an entry, or the entry's height is not the position
     */
    public static LogEntry of(Decision decision) {
        LogEntry entry = decode(decision.value(), Integer.MAX_VALUE);
        if (entry.height() != decision.position()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED,
                    "entry of height " + entry.height() + " at position " + decision.position());
        }
        return entry;
    }

    /**
     * Decodes an entry.
     *
     * @param bytes the encoding
     * @param maxPayload the largest value payload accepted
     * @return the entry
     * @throws InvalidMessageException if the bytes are not an entry
     */
    static LogEntry decode(byte[] bytes, int maxPayload) {
        Decoder d = new Decoder(bytes);
        int version = d.u8();
        if (version != VERSION) {
            throw new InvalidMessageException(InvalidMessageException.Reason.UNSUPPORTED_VERSION,
                    "log entry version " + version);
        }
        long height = d.nonNegative("height");
        byte[] previous = d.bytes(MAX_HASH);
        if (previous.length == 0) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "empty previous hash");
        }
        int n = d.count(Integer.MAX_VALUE, LogValue.MIN_ENCODED);
        List<LogValue> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(LogValue.decode(d, maxPayload, true));
        }
        Optional<Committee> next = d.bool() ? Optional.of(Membership.decodeCommittee(
                d.bytes(Membership.MAX_MEMBERS * 80 + 16))) : Optional.empty();
        d.finish();
        return new LogEntry(height, previous, values, next);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && height == e.height && Arrays.equals(previous, e.previous)
                && values.equals(e.values) && nextCommittee.equals(e.nextCommittee);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(height) * 31 + values.hashCode();
    }

    @Override
    public String toString() {
        return "LogEntry[" + height + ", " + values.size() + " values]";
    }
}
