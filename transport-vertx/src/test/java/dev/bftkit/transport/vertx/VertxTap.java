package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.conformance.junit.AuthenticatedTap;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A blocking socket on which the {@code vertx} transport's dialer handshake ran with a member's key, speaking the
 * wire format itself: the kit's {@link AuthenticatedTap} for this transport, and the raw member of the wire tests.
 * Test code only: production has no way to hand out an authenticated connection.
 */
final class VertxTap implements AuthenticatedTap, AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private VertxTap(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code target} as {@code member} and runs the dialer's side of the handshake.
     *
     * @throws IOException if the connection fails, or the target does not prove its id or refuses us
     */
    static VertxTap open(TransportConfig member, NodeId target) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(member.peers().get(target), (int) member.limits().connectTimeout().toMillis());
            s.setSoTimeout((int) member.limits().connectTimeout().toMillis());
            VertxTap tap = new VertxTap(s);
            tap.handshake(member, target);
            s.setSoTimeout(0);
            return tap;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake(TransportConfig member, NodeId target) throws IOException {
        byte[] theirs = read(Wire.CHALLENGE).raw(Wire.CHALLENGE_BYTES, "challenge");
        byte[] ours = Handshake.challenge();
        write(Wire.hello(member.self(), ours, member.key().sign(Handshake.transcript(Handshake.DIALER,
                member.self(), target, ours, theirs))));
        byte[] signature = read(Wire.ACCEPT).u16Bytes("signature");
        PublicKey key = member.crypto().decodePublicKey(target.bytes()).orElseThrow();
        if (!member.crypto().verify(key, Handshake.transcript(Handshake.ACCEPTOR, member.self(), target, ours,
                theirs), signature)) {
            throw new IOException("the node at " + socket.getRemoteSocketAddress() + " did not prove it is " + target);
        }
    }

    @Override
    public Socket socket() {
        return socket;
    }

    @Override
    public byte[] requestFrame(long requestId, InstanceId channel, byte[] payload, NodeId claimedSender) {
        // a REQUEST frame names no sender: the acceptor knows it from the handshake
        return Wire.request(requestId, channel.bytes(), payload).getBytes();
    }

    /** Writes a frame. */
    void write(Buffer frame) throws IOException {
        write(frame.getBytes());
    }

    /** Writes raw bytes. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads one frame and checks its type.
     *
     * @return a reader over its body after the type
     * @throws IOException if the frame is of another type, or the connection fails
     */
    Wire.Reader read(int expectedType) throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        if ((body[1] & 0xff) != expectedType) {
            throw new IOException("expected frame type " + expectedType + ", got " + (body[1] & 0xff));
        }
        return new Wire.Reader(Buffer.buffer(body), 2, body.length);
    }

    /** @return the length of the next frame's body */
    int readLength() throws IOException {
        return in.readInt();
    }

    /** Reads exactly {@code into.length} bytes. */
    void readFully(byte[] into) throws IOException {
        in.readFully(into);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
