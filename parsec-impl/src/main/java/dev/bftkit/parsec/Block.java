package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.List;

/**
 * A decided observation with the votes that carried it. Proof sets may differ between nodes; only the order of
 * payloads is agreed.
 *
 * @param payload the observation
 * @param key its key
 * @param proofs one signed vote per voter that voted for it, sorted by signer
 */
record Block(Observation payload, ObservationKey key, List<Proof> proofs) {
    Block {
        proofs = List.copyOf(proofs);
    }

    /**
     * A voter's signature of the observation.
     *
     * @param signer the voter
     * @param signature its vote signature
     */
    record Proof(NodeId signer, byte[] signature) {
    }
}
