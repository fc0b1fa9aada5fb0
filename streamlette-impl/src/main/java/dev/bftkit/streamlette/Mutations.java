package dev.bftkit.streamlette;

/**
 * Deliberate defects for mutation testing: the conformance kit must catch a Streamlette with any of these. Only
 * tests in this package can switch them on; {@link #NONE} is what every real Decider runs.
 */
final class Mutations {
    static final Mutations NONE = new Mutations(false, false, false, false, false);

    /** Notarize at more than 1/2 of the weight instead of more than 2/3. */
    final boolean halfThreshold;
    /** Accept messages without checking their signatures. */
    final boolean skipSignatureCheck;
    /** Accept proposals and solicits from anyone, not only the tick's leader. */
    final boolean skipLeaderCheck;
    /**
     * Hand out what was signed before it is durable: everything absorbed and signed during a phase is written only
     * when the phase ends (a node that flushes once per tick but answers pulls at once).
     */
    final boolean voteBeforePersist;
    /**
     * Relay another author's message only when the asker marks its author unreachable, never by age: an asker that
     * reaches the author but is not given the message by it (a Byzantine author that starves it) never gets it.
     */
    final boolean noAgeRelay;

    Mutations(boolean halfThreshold, boolean skipSignatureCheck, boolean skipLeaderCheck, boolean voteBeforePersist,
              boolean noAgeRelay) {
        this.halfThreshold = halfThreshold;
        this.skipSignatureCheck = skipSignatureCheck;
        this.skipLeaderCheck = skipLeaderCheck;
        this.voteBeforePersist = voteBeforePersist;
        this.noAgeRelay = noAgeRelay;
    }

    @Override
    public String toString() {
        return halfThreshold ? "half-threshold" : skipSignatureCheck ? "skip-signature-check"
                : skipLeaderCheck ? "skip-leader-check" : voteBeforePersist ? "vote-before-persist"
                : noAgeRelay ? "no-age-relay" : "none";
    }
}
