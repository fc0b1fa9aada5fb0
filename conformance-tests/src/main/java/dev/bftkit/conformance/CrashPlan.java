package dev.bftkit.conformance;

/**
 * An honest node that crashes at {@code atMs} and, unless {@code restartAtMs} is negative, restarts at
 * {@code restartAtMs} from what its Storage holds. Whatever it had not made durable is lost.
 *
 * @param node the node index
 * @param atMs when it crashes
 * @param restartAtMs when it restarts, or -1 for never
 */
public record CrashPlan(int node, long atMs, long restartAtMs) {
    /** Validates. */
    public CrashPlan {
        if (restartAtMs >= 0 && restartAtMs < atMs) {
            throw new IllegalArgumentException("restart must follow the crash");
        }
    }
}
