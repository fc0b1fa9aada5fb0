package dev.bftkit.conformance.example;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.conformance.junit.AuthenticatedTap;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The example transport's {@link AuthenticatedTap}: a blocking socket on which the transport's own dialer handshake
 * ran with a member's key. Its frames are a 4-byte length and a body; the body names no sender, so a claimed
 * sender has nowhere to go.
 */
final class BlockingSocketTap implements AuthenticatedTap {
    private final Socket socket;

    private BlockingSocketTap(Socket socket) {
        this.socket = socket;
    }

    /** Connects to {@code target} as {@code member} and runs the handshake. */
    static BlockingSocketTap open(TransportConfig member, NodeId target) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(member.peers().get(target), (int) member.limits().connectTimeout().toMillis());
            s.setSoTimeout((int) member.limits().connectTimeout().toMillis());
            // unbuffered output: whatever the kit writes after the handshake goes out as written
            BlockingSocketTransport.dial(member, target, new DataInputStream(new BufferedInputStream(
                    s.getInputStream())), new DataOutputStream(s.getOutputStream()));
            s.setSoTimeout(0);
            return new BlockingSocketTap(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Socket socket() {
        return socket;
    }

    @Override
    public byte[] requestFrame(long requestId, InstanceId channel, byte[] payload, NodeId claimedSender) {
        byte[] body = BlockingSocketTransport.requestBody(requestId, channel, payload);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }
}
