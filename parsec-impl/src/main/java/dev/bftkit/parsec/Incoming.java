package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;

/**
 * A received (or stored) event, decoded but not yet checked against the graph.
 *
 * @param hash its hash
 * @param creator its creator
 * @param cause its cause
 * @param selfParent the self-parent's hash, or null
 * @param otherParent the other-parent's hash, or null
 * @param recipient the recipient of a Requesting, or null
 * @param observation the vote's observation, or null
 * @param voteSignature the vote's signature, or empty
 * @param signature the event's signature
 * @param wire its encoding, or null
 */
record Incoming(byte[] hash, NodeId creator, Cause cause, byte[] selfParent, byte[] otherParent, NodeId recipient,
                Observation observation, byte[] voteSignature, byte[] signature, byte[] wire) {
}
