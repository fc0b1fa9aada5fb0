package dev.bftkit.api.spi;

import dev.bftkit.api.NodeId;

/** A decoded, validated public key of a {@link Crypto} suite. */
public interface PublicKey {
    /** {@return a copy of the key's encoding} */
    byte[] encoded();

    /** {@return the node id this key stands for: its encoding} */
    default NodeId nodeId() {
        return NodeId.of(encoded());
    }
}
