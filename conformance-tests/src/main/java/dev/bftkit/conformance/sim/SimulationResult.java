package dev.bftkit.conformance.sim;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Decision;
import java.util.List;
import java.util.Map;

/**
 * What a simulated run did.
 *
 * @param scenario the scenario
 * @param traceHash a hash of every delivery (time, sender, receiver, bytes): equal on every replay of the seed
 * @param decisions honest node index → its decisions, in order
 * @param decideTimeMs honest node index → virtual time of its first decision, or -1
 * @param decideTick honest node index → how many ticks of its clock had begun when it first decided, or -1
 * @param requests requests delivered
 * @param responses responses delivered
 * @param bytes bytes delivered (requests and responses)
 * @param endMs virtual time when the run stopped
 * @param faultEntries total fault-log entries across honest nodes
 * @param accused node index → the kinds of fault some honest node's fault log names it for
 * @param violations broken invariants, each in words; empty when the run was correct
 * @param checkpoints honest node index → the checkpoints it restored (to catch up, or after a restart), in order
 */
public record SimulationResult(Scenario scenario, long traceHash, Map<Integer, List<Decision>> decisions,
                               Map<Integer, Long> decideTimeMs, Map<Integer, Long> decideTick, long requests,
                               long responses, long bytes, long endMs, long faultEntries,
                               Map<Integer, java.util.Set<dev.bftkit.api.Fault.Kind>> accused,
                               List<String> violations, Map<Integer, List<Checkpoint>> checkpoints) {

    /** {@return true if no invariant broke} */
    public boolean ok() {
        return violations.isEmpty();
    }

    /** {@return true if every honest node decided at least once} */
    public boolean allDecided() {
        return decideTimeMs.values().stream().allMatch(t -> t >= 0);
    }

    /** {@return the largest decision tick among honest nodes, or -1 if one did not decide} */
    public long maxDecideTick() {
        long max = -1;
        for (long t : decideTick.values()) {
            if (t < 0) {
                return -1;
            }
            max = Math.max(max, t);
        }
        return max;
    }
}
