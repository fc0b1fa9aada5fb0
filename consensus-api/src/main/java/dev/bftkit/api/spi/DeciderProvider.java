package dev.bftkit.api.spi;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Makes {@link Decider}s of one algorithm, found by plugin name; see {@link Plugins#decider}. */
public interface DeciderProvider {
    /** {@return the algorithm's plugin name (for example {@code streamlette} or {@code parsec})} */
    String name();

    /** {@return what the algorithm offers, for the conformance kit's capability hooks} */
    Set<Capability> capabilities();

    /**
     * Creates a Decider, reloading any state it finds under the instance's prefix in the configured storage.
     *
     * @param config the configuration
     * @return the Decider, ready to tick
     * @throws dev.bftkit.api.StorageException if the stored state cannot be read
     * @throws dev.bftkit.api.InvalidMessageException if the stored state is damaged
     */
    Decider create(DeciderConfig config);

    /**
     * Checks a decision's proof with the committee alone: a third party's check that the decision is final.
     *
     * @param committee the committee that decided
     * @param crypto its suite
     * @param decision the decision and its proof
     * @return true if the proof shows the value final at that position
     */
    boolean verifyDecision(Committee committee, Crypto crypto, Decision decision);

    /**
     * The submitted values a decision carries, in order: one (its value) for a Decider that decides values one by
     * one, the default; several, or none, for one that decides batches of them (a replicated log's entry). The
     * conformance kit checks validity, at-most-once and termination on these.
     *
     * @param decision a decision this algorithm made
     * @return the values it carries
     */
    default List<byte[]> decidedValues(Decision decision) {
        return List.of(decision.value());
    }

    /**
     * {@return the payload a member submits ({@link Decider#submit}) to vote for {@code next} as the committee; empty
     * if this algorithm's committee never changes} See {@link Capability#COMMITTEE_CHANGES}.
     *
     * @param next the committee wanted
     */
    default Optional<byte[]> committeeChange(Committee next) {
        return Optional.empty();
    }

    /**
     * {@return the committee that decides and signs the position after {@code decision}, given the one that signed
     * {@code decision}: a verifier that starts from the first committee follows the decisions to learn which
     * committee checks each proof} The default: the committee never changes.
     *
     * @param signedBy the committee in force at the decision's position
     * @param decision a decision of this algorithm
     */
    default Committee committeeAfter(Committee signedBy, Decision decision) {
        return signedBy;
    }

    /**
     * Checks a checkpoint's proof with the committee alone (see {@link Checkpoint}); an algorithm that never hands
     * out checkpoints keeps this default, which accepts none.
     *
     * @param committee the committee that signed it
     * @param crypto the signature suite
     * @param checkpoint a checkpoint this algorithm handed out
     * @return true if the proof shows that the committee vouched for the checkpoint's digest at its position
     */
    default boolean verifyCheckpoint(Committee committee, Crypto crypto, Checkpoint checkpoint) {
        return false;
    }

    /** What an algorithm offers. */
    enum Capability {
        /** Decides a single value (position 0) per instance. */
        ONE_SHOT,
        /** Decides an ordered stream of values, positions 0, 1, 2… */
        ORDERED_STREAM,
        /** A Decider re-created from the same storage continues where it stopped, without equivocating. */
        RESTART_FROM_STORAGE,
        /** Every submitted value is eventually decided (not only one leader's proposal). */
        DECIDES_SUBMITTED_VALUES,
        /** Members may have different voting weights (otherwise every member must have the same weight). */
        WEIGHTED_COMMITTEE,
        /**
         * Prunes its history below certified snapshots: a member too far behind restores a peer's snapshot and hands
         * out a {@link Checkpoint} in place of the decisions it stands for ({@link #verifyCheckpoint} checks it).
         */
        CHECKPOINTS,
        /**
         * The committee can change through the decisions themselves: members vote with
         * {@link #committeeChange}; {@link #committeeAfter} says which committee signs each later position.
         */
        COMMITTEE_CHANGES
    }
}
