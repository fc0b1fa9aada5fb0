package dev.bftkit.api;

/**
 * A request a Decider wants sent: the runtime (or the simulator) delivers it to {@code peer} and hands the answer
 * back through {@link dev.bftkit.api.spi.Decider#onResponse}.
 *
 * @param peer the committee member to ask
 * @param request the request bytes; copied
 */
public record Outbound(NodeId peer, byte[] request) {

    /**
     * Validates, and copies the request so that the Decider can reuse its buffer.
     *
     * @param peer the committee member to send the request to; not null
     * @param request the request bytes, in the Decider's own encoding; not null
     * @throws NullPointerException if {@code peer} or {@code request} is null
     */
    public Outbound {
        if (peer == null) {
            throw new NullPointerException("peer");
        }
        request = request.clone();
    }

    /** {@return a copy of the request bytes} */
    @Override
    public byte[] request() {
        return request.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outbound other && peer.equals(other.peer)
                && java.util.Arrays.equals(request, other.request);
    }

    @Override
    public int hashCode() {
        return peer.hashCode() * 31 + java.util.Arrays.hashCode(request);
    }

    @Override
    public String toString() {
        return "Outbound[" + peer + ", " + request.length + " B]";
    }
}
