package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderConfig;
import java.util.Map;

/**
 * The log's bounds, read from the Decider options named {@code log.*}; each has a default.
 *
 * @param maxValueBytes the largest value payload ({@code log.maxValueBytes}, 64 KiB)
 * @param maxBatchValues the most values in one entry ({@code log.maxBatchValues}, 8,192)
 * @param maxBatchBytes the largest batch, encoded ({@code log.maxBatchBytes}, 512 KiB; keep it under the inner
 *     Decider's largest value)
 * @param maxPendingValues the most submitted values a node holds until they commit ({@code log.maxPendingValues},
 *     65,536); a submit beyond it is refused
 * @param maxPendingBytes their most bytes ({@code log.maxPendingBytes}, 64 MiB)
 * @param segmentEntries how many entries one instance of an ordered-stream Decider decides before the log starts
 *     a fresh instance bound to the last of them ({@code log.segmentEntries}, 64); a one-shot Decider decides one
 * @param maxFetchEntries the most entries one catch-up response carries ({@code log.maxFetchEntries}, 64)
 * @param maxFetchBytes the most bytes of entries one catch-up response carries ({@code log.maxFetchBytes}, 8 MiB;
 *     one entry is always sent)
 * @param maxClients the most clients whose request ids the log remembers ({@code log.maxClients}, 65,536); the one
 *     that committed least recently is forgotten first
 * @param checkpointEntries how many entries apart the log takes a snapshot ({@code log.checkpointEntries}, 1,024; a
 *     multiple of {@code segmentEntries}): the state after heights {@code 0 .. k·checkpointEntries - 1}
 * @param retainEntries how many entries below its last certified snapshot a node keeps for peers catching up
 *     ({@code log.retainEntries}, 1,024); a peer further behind restores the snapshot
 * @param maxSnapshotBytes the largest snapshot, with the log's own state ({@code log.maxSnapshotBytes}, 64 MiB)
 */
record LogLimits(int maxValueBytes, int maxBatchValues, int maxBatchBytes, int maxPendingValues, long maxPendingBytes,
                 int segmentEntries, int maxFetchEntries, long maxFetchBytes, int maxClients, int checkpointEntries,
                 int retainEntries, int maxSnapshotBytes) {

    /** The option names, all under {@code log.}. */
    static final String PREFIX = "log.";

    static LogLimits of(DeciderConfig c, boolean oneShot) {
        return of(c.options(), oneShot);
    }

    /**
     * {@return the limits the options set}
     *
     * @throws IllegalArgumentException if an option is not a whole number or is out of range
     */
    static LogLimits of(Map<String, String> options, boolean oneShot) {
        LogLimits l = new LogLimits(
                intOption(options, "log.maxValueBytes", 64 * 1024, 1),
                intOption(options, "log.maxBatchValues", 8192, 1),
                intOption(options, "log.maxBatchBytes", 512 * 1024, 64),
                intOption(options, "log.maxPendingValues", 65_536, 1),
                longOption(options, "log.maxPendingBytes", 64L << 20, 1),
                oneShot ? 1 : intOption(options, "log.segmentEntries", 64, 1),
                intOption(options, "log.maxFetchEntries", 64, 1),
                longOption(options, "log.maxFetchBytes", 8L << 20, 1),
                intOption(options, "log.maxClients", 65_536, 1),
                intOption(options, "log.checkpointEntries", 1024, 1),
                intOption(options, "log.retainEntries", 1024, 0),
                intOption(options, "log.maxSnapshotBytes", 64 << 20, 1024));
        if (l.maxValueBytes > l.maxBatchBytes - 128) {
            throw new IllegalArgumentException("log.maxValueBytes (" + l.maxValueBytes
                    + ") must leave room in log.maxBatchBytes (" + l.maxBatchBytes + ")");
        }
        if (l.checkpointEntries % l.segmentEntries != 0) {
            throw new IllegalArgumentException("log.checkpointEntries (" + l.checkpointEntries
                    + ") must be a multiple of log.segmentEntries (" + l.segmentEntries + ")");
        }
        return l;
    }

    private static int intOption(Map<String, String> options, String name, int fallback, int min) {
        return (int) Math.min(Integer.MAX_VALUE, longOption(options, name, fallback, min));
    }

    private static long longOption(Map<String, String> options, String name, long fallback, long min) {
        String text = options.get(name);
        long v;
        try {
            v = text == null ? fallback : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + name + " must be a whole number, got '" + text + "'", e);
        }
        if (v < min) {
            throw new IllegalArgumentException("option " + name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    /** {@return true if the log takes a snapshot after the entry at {@code height}} */
    boolean checkpointAfter(long height) {
        return (height + 1) % checkpointEntries == 0;
    }

    /** {@return the largest entry, encoded: a full batch with its marks and header} */
    long maxEntryBytes() {
        return maxBatchBytes + (long) maxBatchValues + 128;
    }
}
