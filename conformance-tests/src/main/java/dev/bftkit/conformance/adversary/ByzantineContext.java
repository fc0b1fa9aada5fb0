package dev.bftkit.conformance.adversary;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import java.util.List;
import java.util.Map;

/**
 * A Byzantine node's view of the simulation: its identity and signing key, the committee, the crypto suite and the
 * committee's Decider options (so an algorithm's own adversaries can sign any message its codec can express), its
 * peers, randomness, sending, and honest Deciders run with its key.
 */
public interface ByzantineContext {
    /** {@return this member's signing key: a Byzantine member signs whatever hurts most} */
    SigningKey key();

    /** {@return the committee, with every member's id (its public key) and weight} */
    Committee committee();

    /** {@return the crypto suite every node uses} */
    Crypto crypto();

    /** {@return the Decider options every honest node runs with} */
    Map<String, String> options();

    /** {@return this node's id} */
    NodeId self();

    /** {@return this node's index in the scenario} */
    int index();

    /** {@return the other members, in committee order} */
    List<NodeId> peers();

    /**
     * {@return the index in the scenario of node {@code id} (0 to the committee size - 1), or -1 if it is not a member}
     *
     * @param id a node's id, for example the sender of a request
     */
    int indexOf(NodeId id);

    /** {@return the current virtual time, in milliseconds} */
    long now();

    /** {@return the next value of this node's seeded random stream} */
    long nextLong();

    /**
     * Sends a request.
     *
     * @param peer the recipient
     * @param request the bytes
     * @param tag returned with the response, to route it
     */
    void send(NodeId peer, byte[] request, int tag);

    /**
     * An honest Decider with this node's key, created on first use and kept under {@code label}. Its application
     * proposes a value of its own, so two labels on one leader equivocate.
     *
     * @param label distinguishes Deciders (twins, shadows)
     * @param instance the instance it runs (the scenario's, or another one to replay from)
     * @return the Decider, with its requests waiting to be sent
     */
    Shadow decider(String label, InstanceId instance);

    /**
     * Like {@link #decider(String, InstanceId)}, with Decider options of its own (a node configured differently
     * from the committee, for example with another leader schedule).
     *
     * @param label distinguishes Deciders
     * @param instance the instance it runs
     * @param options options that replace the committee's
     * @return the Decider, with its requests waiting to be sent
     */
    Shadow decider(String label, InstanceId instance, java.util.Map<String, String> options);

    /**
     * A value the application accepts, put forward by this member: a decision may validly carry it, as it may any
     * honest node's proposal. A strategy that signs proposals of its own (not through an honest Decider) takes its
     * values from here.
     *
     * @param label distinguishes this member's values; the value's text includes it
     * @return the value's bytes
     */
    byte[] proposal(String label);

    /** {@return the scenario's instance} */
    InstanceId instance();
}
