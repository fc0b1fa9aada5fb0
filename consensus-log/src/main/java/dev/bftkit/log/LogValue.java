package dev.bftkit.log;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One value in the log, as a client submitted it: the client's id, its request id, and the payload. The log keeps
 * at most one value per client and request id: a repeat is carried in the entry it lands in but marked not
 * {@link #fresh()}, and an application applies fresh values only.
 *
 * @param client the client's id, 1 to {@value #MAX_CLIENT_BYTES} bytes (a node's own values use its node id)
 * @param request the client's request id, 0 or more
 * @param payload the value's bytes
 * @param fresh true unless an earlier entry holds the same client and request id (or the request id is too old to
 *     tell; see {@link LogDeciderProvider})
 */
public record LogValue(byte[] client, long request, byte[] payload, boolean fresh) {
    /** The longest client id, in bytes. */
    public static final int MAX_CLIENT_BYTES = 64;

    /**
     * Validates and copies the arrays.
     *
     * @param client the client's id, 1 to {@value #MAX_CLIENT_BYTES} bytes
     * @param request the request id, 0 or more
     * @param payload the value's bytes
     * @param fresh whether this is the first time the log holds this client and request id
     * @throws IllegalArgumentException if the client id's length or the request id is out of range
     */
    public LogValue {
        if (client.length == 0 || client.length > MAX_CLIENT_BYTES) {
            throw new IllegalArgumentException("client id must be 1.." + MAX_CLIENT_BYTES + " bytes, got "
                    + client.length);
        }
        if (request < 0) {
            throw new IllegalArgumentException("request id must be 0 or more, got " + request);
        }
        client = client.clone();
        payload = payload.clone();
    }

    /** {@return a copy of the client id} */
    @Override
    public byte[] client() {
        return client.clone();
    }

    /** {@return a copy of the payload} */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** {@return the payload's length, without copying it} */
    public int size() {
        return payload.length;
    }

    /** {@return the bytes this value takes in a batch} */
    long batchBytes() {
        return 4L + client.length + 8 + 4 + payload.length;
    }

    /** {@return the same value with {@link #fresh()} set to {@code isFresh}} */
    LogValue withFresh(boolean isFresh) {
        return isFresh == fresh ? this : new LogValue(client, request, payload, isFresh);
    }

    /** {@return the values with their fresh marks cleared (set true), as a batch holds them before an entry marks them} */
    static List<LogValue> unmarked(List<LogValue> values) {
        List<LogValue> out = new ArrayList<>(values.size());
        for (LogValue v : values) {
            out.add(v.withFresh(true));
        }
        return out;
    }

    /** {@return the client and request id, as a key} */
    /** {@return true if this is a member's vote for a committee change (the log reads it; applications skip it)} */
    boolean committeeVote() {
        return Membership.isVote(client);
    }

    RequestKey key() {
        return new RequestKey(client, request);
    }

    void encode(Encoder e, boolean withFresh) {
        e.bytes(client).i64(request).bytes(payload);
        if (withFresh) {
            e.bool(fresh);
        }
    }

    static LogValue decode(Decoder d, int maxPayload, boolean withFresh) {
        byte[] client = d.bytes(MAX_CLIENT_BYTES);
        long request = d.nonNegative("request id");
        byte[] payload = d.bytes(maxPayload);
        boolean fresh = !withFresh || d.bool();
        if (client.length == 0) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "empty client id");
        }
        return new LogValue(client, request, payload, fresh);
    }

    /** The least encoded size of a value: client (4 + 1), request (8), payload length (4), fresh flag (1). */
    static final int MIN_ENCODED = 18;

    @Override
    public boolean equals(Object o) {
        return o instanceof LogValue v && request == v.request && fresh == v.fresh && Arrays.equals(client, v.client)
                && Arrays.equals(payload, v.payload);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(client) * 31 + Long.hashCode(request)) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String hex = Bytes.hex(client);
        return "LogValue[" + hex.substring(0, Math.min(8, hex.length())) + "#" + request + ", " + payload.length
                + " B" + (fresh ? "" : ", repeat") + "]";
    }

    /** A client and request id: what makes a value one request. Compares client bytes unsigned, then request. */
    record RequestKey(byte[] client, long request) implements Comparable<RequestKey> {
        @Override
        public boolean equals(Object o) {
            return o instanceof RequestKey k && request == k.request && Arrays.equals(client, k.client);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(client) * 31 + Long.hashCode(request);
        }

        @Override
        public int compareTo(RequestKey o) {
            int c = Arrays.compareUnsigned(client, o.client);
            return c != 0 ? c : Long.compare(request, o.request);
        }
    }
}
