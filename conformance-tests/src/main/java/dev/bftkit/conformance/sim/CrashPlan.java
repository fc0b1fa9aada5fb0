package dev.bftkit.conformance.sim;

/**
 * An honest node that crashes at {@code atMs} and, unless {@code restartAtMs} is negative, restarts at
 * {@code restartAtMs} from what its Storage holds. Whatever it had not made durable is lost. With
 * {@code afterNextSend}, the crash waits from {@code atMs} for the worst moment: right after the node next hands a
 * response to a peer (called off if the restart time comes first).
 *
 * @param node the node index
 * @param atMs when it crashes
 * @param restartAtMs when it restarts, or -1 for never
 * @param afterNextSend crash right after the next response it sends from {@code atMs} on
 */
public record CrashPlan(int node, long atMs, long restartAtMs, boolean afterNextSend) {

    /**
     * A crash at a fixed time.
     *
     * @param node the node index
     * @param atMs when it crashes
     * @param restartAtMs when it restarts, or -1 for never
     */
    public CrashPlan(int node, long atMs, long restartAtMs) {
        this(node, atMs, restartAtMs, false);
    }

    /**
     * Validates.
     *
     * @param node the index in the scenario of the node that crashes, from 0
     * @param atMs when it crashes, in virtual milliseconds from the start of the run
     * @param restartAtMs when it restarts from its Storage, in virtual milliseconds, no earlier than {@code atMs};
     *     any negative value (by convention -1) for never
     * @param afterNextSend true to crash only right after the first response it sends at or after {@code atMs}
     *     (called off if the restart comes first); false to crash at {@code atMs} exactly
     * @throws IllegalArgumentException if {@code restartAtMs} is not negative but earlier than {@code atMs}
     */
    public CrashPlan {
        if (restartAtMs >= 0 && restartAtMs < atMs) {
            throw new IllegalArgumentException("restart must follow the crash");
        }
    }
}
