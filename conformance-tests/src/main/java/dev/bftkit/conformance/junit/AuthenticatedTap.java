package dev.bftkit.conformance.junit;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import java.net.Socket;

/**
 * A raw connection to the node under test that its transport has authenticated with a committee member's key: what
 * a Byzantine member, who holds its own key, has once its handshake is done. {@link TransportVerification}'s
 * adversary rules write bytes on it as such a member would (frames naming another sender, frames over the limit,
 * frames cut short, floods) and check that the node under test stays correct, bounded and serving.
 *
 * <p>A transport makes one in {@link TransportVerification#authenticatedTap}: it opens a {@link Socket} to the
 * node, runs its own dialer handshake on it with the member's key, and hands the socket over. Implement it in test
 * sources (with the transport's package-private handshake and wire code), so that production code gains no way to
 * skip its handshake.
 */
public interface AuthenticatedTap {
    /**
     * {@return the connected socket, with the handshake completed}: the kit writes frames on its output stream,
     * reads (and discards) whatever the node sends on its input stream, and closes it
     */
    Socket socket();

    /**
     * Encodes one request as the transport writes it on this connection: the whole frame, with its length prefix,
     * header or delimiter, ready to be written to {@link #socket()}. It must encode whatever it is given, checking
     * no limit (the kit sends frames over the limit on purpose).
     *
     * @param requestId an id the kit chooses, different for each request on the connection
     * @param channel the channel
     * @param payload the request bytes, possibly longer than the transport's limit
     * @param claimedSender the sender the frame names: where the wire format lets a frame name its sender (a
     *     {@code from} field, a routing header), write this id there, whatever the handshake proved; a format with
     *     no such field ignores it
     * @return the frame's bytes
     */
    byte[] requestFrame(long requestId, InstanceId channel, byte[] payload, NodeId claimedSender);
}
