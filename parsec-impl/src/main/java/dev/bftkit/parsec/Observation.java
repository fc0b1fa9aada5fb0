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
     * The genesis group.
     *
     * @param group the members, sorted
     * @param relatedInfo opaque extra bytes
     */
    record Genesis(List<NodeId> group, byte[] relatedInfo) implements Observation {
        public Genesis {
            group = List.copyOf(group);
            relatedInfo = relatedInfo.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Genesis g && group.equals(g.group) && Arrays.equals(relatedInfo, g.relatedInfo);
        }

        @Override
        public int hashCode() {
            return group.hashCode() * 31 + Arrays.hashCode(relatedInfo);
        }
    }

    /**
     * Add a peer.
     *
     * @param peer the peer
     * @param relatedInfo opaque extra bytes
     */
    record Add(NodeId peer, byte[] relatedInfo) implements Observation {
        public Add {
            relatedInfo = relatedInfo.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Add a && peer.equals(a.peer) && Arrays.equals(relatedInfo, a.relatedInfo);
        }

        @Override
        public int hashCode() {
            return peer.hashCode() * 31 + Arrays.hashCode(relatedInfo);
        }
    }

    /**
     * Remove a peer.
     *
     * @param peer the peer
     * @param relatedInfo opaque extra bytes
     */
    record Remove(NodeId peer, byte[] relatedInfo) implements Observation {
        public Remove {
            relatedInfo = relatedInfo.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Remove r && peer.equals(r.peer) && Arrays.equals(relatedInfo, r.relatedInfo);
        }

        @Override
        public int hashCode() {
            return peer.hashCode() * 31 + Arrays.hashCode(relatedInfo) + 7;
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
