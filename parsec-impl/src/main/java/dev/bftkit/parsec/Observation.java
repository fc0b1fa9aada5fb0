package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import java.util.Arrays;
import java.util.List;

/**
 * What an event can vote for (the reference's {@code Observation}). Distributed key generation (StartDkg, DkgResult,
 * DkgMessage) is not supported. Identity is by hash (see {@link ObservationKey}); the records compare by content.
 */
sealed interface Observation {

    /** @return true for observations that never leave the Decider as decisions */
    default boolean isInternal() {
        return !(this instanceof Opaque);
    }

    /**
     * Opaque extra bytes of a membership observation, compared by content.
     *
     * @param bytes the bytes
     */
    record Info(byte[] bytes) {
        public Info {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info i && Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " B";
        }
    }

    /**
     * The genesis group.
     *
     * @param group the members, sorted
     * @param relatedInfo opaque extra bytes
     */
    record Genesis(List<NodeId> group, Info relatedInfo) implements Observation {
        public Genesis {
            group = List.copyOf(group);
        }

        Genesis(List<NodeId> group, byte[] relatedInfo) {
            this(group, new Info(relatedInfo));
        }
    }

    /**
     * Add a peer.
     *
     * @param peer the peer
     * @param relatedInfo opaque extra bytes
     */
    record Add(NodeId peer, Info relatedInfo) implements Observation {
        Add(NodeId peer, byte[] relatedInfo) {
            this(peer, new Info(relatedInfo));
        }
    }

    /**
     * Remove a peer.
     *
     * @param peer the peer
     * @param relatedInfo opaque extra bytes
     */
    record Remove(NodeId peer, Info relatedInfo) implements Observation {
        Remove(NodeId peer, byte[] relatedInfo) {
            this(peer, new Info(relatedInfo));
        }
    }

    /**
     * An accusation of malice; deciding it removes the offender.
     *
     * @param offender the accused peer
     * @param malice what it did
     */
    record Accusation(NodeId offender, Malice malice) implements Observation {
    }

    /**
     * An application payload.
     *
     * @param payload the bytes
     */
    record Opaque(byte[] payload) implements Observation {
        public Opaque {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque p && Arrays.equals(payload, p.payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Opaque[" + payload.length + " B]";
        }
    }
}
