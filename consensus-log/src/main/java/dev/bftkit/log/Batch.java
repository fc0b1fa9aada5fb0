package dev.bftkit.log;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * What the inner Decider decides for one entry: a list of values without their fresh marks (the log marks them when
 * it commits the entry, from the entries before it). Bounded by {@link LogLimits}.
 */
final class Batch {
    private static final int VERSION = 1;

    private Batch() {
    }

    static byte[] encode(List<LogValue> values) {
        int size = 8;
        for (LogValue v : values) {
            size += LogValue.MIN_ENCODED + v.size() + 64;
        }
        Encoder e = new Encoder(size).u8(VERSION).i32(values.size());
        for (LogValue v : values) {
            v.encode(e, false);
        }
        return e.toByteArray();
    }

    /**
     * Decodes a batch within the limits.
     *
     * @throws InvalidMessageException if it is not a batch, or breaks a limit
     */
    static List<LogValue> decode(byte[] bytes, LogLimits limits) {
        return decode(bytes, limits.maxBatchValues(), limits.maxBatchBytes(), limits.maxValueBytes());
    }

    /**
     * Decodes a list of values within explicit bounds (the values a client submits at once are bounded by what the
     * node may hold pending, not by one batch).
     *
     * @throws InvalidMessageException if it is not a list of values, or breaks a bound
     */
    static List<LogValue> decode(byte[] bytes, int maxValues, long maxBytes, int maxValueBytes) {
        if (bytes.length > maxBytes) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE,
                    "batch of " + bytes.length + " bytes, over " + maxBytes);
        }
        Decoder d = new Decoder(bytes);
        int version = d.u8();
        if (version != VERSION) {
            throw new InvalidMessageException(InvalidMessageException.Reason.UNSUPPORTED_VERSION,
                    "batch version " + version);
        }
        int n = d.count(maxValues, LogValue.MIN_ENCODED - 1);
        List<LogValue> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(LogValue.decode(d, maxValueBytes, false));
        }
        d.finish();
        return values;
    }
}
