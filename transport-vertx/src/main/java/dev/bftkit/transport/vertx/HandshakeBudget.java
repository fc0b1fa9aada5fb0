package dev.bftkit.transport.vertx;

/**
 * How many handshake signatures callers that have not proven a key may make us verify. A caller needs no key to
 * make us verify its HELLO (it claims a member's id and sends any bytes as the signature), so without a bound one
 * address, or many, could keep a core busy. Two token buckets must each hold a verification for it to be spent:
 *
 * <ul>
 *   <li>the source address's own: a burst of {@link #MIN_BURST} (or twice the peers, if more), refilled at {@link
 *       #PER_SECOND} a second;
 *   <li>unless a member has completed a handshake from that address before (it is <i>proven</i>, see {@link
 *       HandshakeSlots}), the bucket all other addresses share: a burst of {@link #MIN_SHARED_BURST} (or four times
 *       the peers), refilled at {@link #SHARED_PER_SECOND} a second. However many addresses an attacker has, what
 *       they make us verify together stays within it, and members redialling from where they were do not depend
 *       on it.
 * </ul>
 *
 * <p>The buckets of at most {@link #MAX_SOURCES} addresses that are not proven are remembered (the longest unused is
 * forgotten first, and comes back full), so the memory is bounded and forgetting gives back nothing beyond what the
 * shared bucket grants; proven addresses' buckets are kept apart, as many as there are proven addresses, so no
 * number of other addresses can make one forgotten. Time is read from the caller, in nanoseconds (the transport's
 * clock). Runs on the loop only.
 */
final class HandshakeBudget {
    /** Verifications an address gets back per second. */
    static final double PER_SECOND = 16;
    /** The fewest verifications an address may make in a burst; a committee allows twice its peers if more. */
    static final int MIN_BURST = 64;
    /** Verifications the addresses that are not proven get back per second, together. */
    static final double SHARED_PER_SECOND = 64;
    /** The fewest verifications those addresses may make in a burst, together; four times the peers if more. */
    static final int MIN_SHARED_BURST = 256;
    static final int MAX_SOURCES = 4096;

    /** Whether a verification may be spent, and if not, whose budget is spent. */
    enum Verdict { ALLOWED, SOURCE_SPENT, SHARED_SPENT }

    private final double burst;
    private final Bucket shared;
    private final Recent<Bucket> buckets = new Recent<>(MAX_SOURCES);
    private final Recent<Bucket> provenBuckets;

    /**
     * @param peers how many peers the committee has
     * @param maxProven how many proven addresses are remembered
     */
    HandshakeBudget(int peers, int maxProven) {
        this.burst = Math.max(MIN_BURST, 2 * peers);
        this.provenBuckets = new Recent<>(maxProven);
        this.shared = new Bucket(Math.max(MIN_SHARED_BURST, 4 * peers), SHARED_PER_SECOND);
    }

    /**
     * Spends one verification for a handshake from the address, if both its buckets have one.
     *
     * @param source the address
     * @param proven true if a member has completed a handshake from it before
     * @param nowNanos the time in nanoseconds
     * @return {@link Verdict#ALLOWED} if spent; else which bucket is empty (nothing is spent)
     */
    Verdict take(String source, boolean proven, long nowNanos) {
        if (!proven && !shared.has(nowNanos)) {
            return Verdict.SHARED_SPENT;
        }
        Bucket own = (proven ? provenBuckets : buckets).computeIfAbsent(source, s -> new Bucket(burst, PER_SECOND));
        if (!own.has(nowNanos)) {
            return Verdict.SOURCE_SPENT;
        }
        if (!proven) {
            shared.spend();
        }
        own.spend();
        return Verdict.ALLOWED;
    }

    /** Tokens refilled continuously up to a burst. */
    private static final class Bucket {
        private final double burst;
        private final double perSecond;
        private double tokens;
        private long at = Long.MIN_VALUE;

        Bucket(double burst, double perSecond) {
            this.burst = burst;
            this.perSecond = perSecond;
            this.tokens = burst;
        }

        /** Refills to the time given; @return true if a token is there */
        boolean has(long nowNanos) {
            if (at != Long.MIN_VALUE && nowNanos > at) {
                tokens = Math.min(burst, tokens + (nowNanos - at) * perSecond / 1e9);
            }
            at = at == Long.MIN_VALUE ? nowNanos : Math.max(at, nowNanos);
            return tokens >= 1;
        }

        void spend() {
            tokens--;
        }
    }
}
