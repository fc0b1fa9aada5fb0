package dev.bftkit.conformance.sim;

/**
 * How the simulated network treats each request and response on a link: a delay drawn uniformly from
 * {@code [minDelayMs, maxDelayMs]} (different delays reorder messages), a chance of loss and a chance of
 * duplication.
 *
 * @param minDelayMs the least delay, in virtual milliseconds, at least 1
 * @param maxDelayMs the greatest delay
 * @param loss the chance a message is lost, 0 to 1
 * @param duplication the chance a message is delivered twice, 0 to 1
 */
public record NetworkModel(long minDelayMs, long maxDelayMs, double loss, double duplication) {

    /** A clean network: 10 to 100 ms, nothing lost or duplicated. */
    public static final NetworkModel CLEAN = new NetworkModel(10, 100, 0, 0);

    /** A hostile one: 10 to 400 ms (heavy reordering), 20% loss, 5% duplication. */
    public static final NetworkModel LOSSY = new NetworkModel(10, 400, 0.2, 0.05);

    /**
     * Validates.
     *
     * @param minDelayMs the least delay of a message, in virtual milliseconds, at least 1
     * @param maxDelayMs the greatest delay, in virtual milliseconds, at least {@code minDelayMs}; a wider range
     *     reorders more
     * @param loss the probability that a message is dropped, from 0 to 1
     * @param duplication the probability that a message is delivered a second time (with its own delay), from 0
     *     to 1
     * @throws IllegalArgumentException if a delay or probability is out of range (NaN included)
     */
    public NetworkModel {
        if (minDelayMs < 1 || maxDelayMs < minDelayMs) {
            throw new IllegalArgumentException("delays must satisfy 1 <= min <= max");
        }
        if (!(loss >= 0 && loss <= 1) || !(duplication >= 0 && duplication <= 1)) {
            throw new IllegalArgumentException("loss and duplication are probabilities");
        }
    }
}
