package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire format, version 2. Every frame is a 4-byte big-endian body length followed by the body; a body starts with
 * the protocol version and a frame type. Its frames, the handshake's first, in the order they come:
 *
 * <pre>
 * CHALLENGE acceptor → dialer   challenge: 32 bytes (sent as soon as the connection is accepted)
 * HELLO     dialer → acceptor   id: u8 length + bytes, challenge: 32 bytes, signature: u16 length + bytes
 * ACCEPT    acceptor → dialer   signature: u16 length + bytes
 * REFUSE    either way          error code: u8, message: u16 length + UTF-8, then the sender closes
 * REQUEST   dialer → acceptor   request id: u64, channel: u8 length + bytes, payload: the rest of the frame
 * RESPONSE  acceptor → dialer   request id: u64, payload: the rest of the frame
 * ERROR     acceptor → dialer   request id: u64, error code: u8, message: u16 length + UTF-8
 * </pre>
 */
final class Wire {
    /** Version 1 had the acceptor sign first (HELLO, CHALLENGE with a signature, PROOF, ACCEPT); it is refused. */
    static final int VERSION = 2;
    static final int HEADER = 4;
    static final int CHALLENGE_BYTES = 32;
    /** Bodies before authentication are small; a peer cannot make us buffer a large frame before it proves itself. */
    static final int MAX_HANDSHAKE_BODY = 1024;
    /** The longest error message sent or kept. */
    static final int MAX_MESSAGE = 512;

    static final int HELLO = 1;
    static final int CHALLENGE = 2;
    // 3 was version 1's PROOF
    static final int ACCEPT = 4;
    static final int REFUSE = 5;
    static final int REQUEST = 6;
    static final int RESPONSE = 7;
    static final int ERROR = 8;

    /** Version, type, request id, channel length and the longest channel: the most a request adds to its payload. */
    static final int REQUEST_OVERHEAD = 2 + 8 + 1 + InstanceId.MAX_LENGTH;

    private Wire() {
    }

    /**
     * @param maxFrameBytes the largest payload
     * @return the largest body an authenticated peer may send
     */
    static long maxBody(int maxFrameBytes) {
        return (long) maxFrameBytes + REQUEST_OVERHEAD;
    }

    private static Buffer frame(int type, int bodyHint) {
        return Buffer.buffer(HEADER + 2 + bodyHint).appendInt(0).appendByte((byte) VERSION).appendByte((byte) type);
    }

    private static Buffer sealed(Buffer frame) {
        return frame.setInt(0, frame.length() - HEADER);
    }

    static Buffer challenge(byte[] challenge) {
        return sealed(frame(CHALLENGE, challenge.length).appendBytes(challenge));
    }

    static Buffer hello(NodeId self, byte[] challenge, byte[] signature) {
        Buffer b = frame(HELLO, 3 + self.length() + challenge.length + signature.length);
        b.appendByte((byte) self.length()).appendBytes(self.bytes()).appendBytes(challenge);
        return sealed(b.appendShort((short) signature.length).appendBytes(signature));
    }

    static Buffer accept(byte[] signature) {
        return sealed(frame(ACCEPT, 2 + signature.length).appendShort((short) signature.length)
                .appendBytes(signature));
    }

    static Buffer refuse(Kind kind, String message) {
        return sealed(text(frame(REFUSE, 3 + MAX_MESSAGE).appendByte((byte) code(kind)), message));
    }

    static Buffer request(long id, byte[] channel, byte[] payload) {
        Buffer b = frame(REQUEST, 9 + channel.length + payload.length).appendLong(id);
        return sealed(b.appendByte((byte) channel.length).appendBytes(channel).appendBytes(payload));
    }

    static Buffer response(long id, byte[] payload) {
        return sealed(frame(RESPONSE, 8 + payload.length).appendLong(id).appendBytes(payload));
    }

    static Buffer error(long id, Kind kind, String message) {
        return sealed(text(frame(ERROR, 11 + MAX_MESSAGE).appendLong(id).appendByte((byte) code(kind)), message));
    }

    private static Buffer text(Buffer b, String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(utf8.length, MAX_MESSAGE);
        return b.appendShort((short) n).appendBytes(utf8, 0, n);
    }

    /** Error codes on the wire; an unknown code reads as a remote error. */
    static int code(Kind kind) {
        return switch (kind) {
            case FRAME_TOO_LARGE -> 2;
            case PROTOCOL -> 3;
            case AUTHENTICATION -> 4;
            case CLOSED -> 5;
            case OVERLOADED -> 6;
            default -> 1;
        };
    }

    static Kind kind(int code) {
        return switch (code) {
            case 2 -> Kind.FRAME_TOO_LARGE;
            case 3 -> Kind.PROTOCOL;
            case 4 -> Kind.AUTHENTICATION;
            case 5 -> Kind.CLOSED;
            case 6 -> Kind.OVERLOADED;
            default -> Kind.REMOTE_ERROR;
        };
    }

    /** Reads one frame body; any underflow or malformed field is a {@link Kind#PROTOCOL} error. */
    static final class Reader {
        private final Buffer buf;
        private final int end;
        private int at;

        /**
         * @param buf holds the body
         * @param start where the body starts (after the length header)
         * @param end where it ends
         */
        Reader(Buffer buf, int start, int end) {
            this.buf = buf;
            this.at = start;
            this.end = end;
        }

        private void need(int n, String what) {
            if (end - at < n) {
                throw protocol("truncated " + what);
            }
        }

        int u8(String what) {
            need(1, what);
            return buf.getUnsignedByte(at++);
        }

        long u64(String what) {
            need(8, what);
            long v = buf.getLong(at);
            at += 8;
            return v;
        }

        byte[] raw(int n, String what) {
            need(n, what);
            byte[] out = buf.getBytes(at, at + n);
            at += n;
            return out;
        }

        byte[] shortBytes(String what) {
            return raw(u8(what), what);
        }

        byte[] u16Bytes(String what) {
            need(2, what);
            int n = buf.getUnsignedShort(at);
            at += 2;
            return raw(n, what);
        }

        String text(String what) {
            byte[] utf8 = u16Bytes(what);
            return new String(utf8, 0, Math.min(utf8.length, MAX_MESSAGE), StandardCharsets.UTF_8);
        }

        NodeId nodeId(String what) {
            byte[] id = shortBytes(what);
            if (id.length == 0 || id.length > NodeId.MAX_LENGTH) {
                throw protocol(what + " has " + id.length + " bytes");
            }
            return NodeId.of(id);
        }

        InstanceId channel() {
            byte[] id = shortBytes("channel");
            if (id.length == 0 || id.length > InstanceId.MAX_LENGTH) {
                throw protocol("channel has " + id.length + " bytes");
            }
            return InstanceId.of(id);
        }

        /**
         * @param maxPayload the largest payload allowed
         * @return the rest of the frame, the payload
         * @throws TransportException {@link Kind#FRAME_TOO_LARGE} if it is longer than {@code maxPayload}
         */
        byte[] payload(int maxPayload) {
            if (end - at > maxPayload) {
                throw new TransportException(Kind.FRAME_TOO_LARGE, "payload of " + (end - at) + " bytes exceeds the "
                        + maxPayload + "-byte limit");
            }
            byte[] out = buf.getBytes(at, end);
            at = end;
            return out;
        }

        void finish(String what) {
            if (at != end) {
                throw protocol((end - at) + " trailing bytes after " + what);
            }
        }
    }

    static TransportException protocol(String message) {
        return new TransportException(Kind.PROTOCOL, message);
    }
}
