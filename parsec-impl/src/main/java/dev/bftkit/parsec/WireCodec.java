package dev.bftkit.parsec;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * bftkit's wire format for PARSEC, in the canonical codec of {@code dev.bftkit.api.codec}.
 *
 * <pre>
 * event       = content, bytes signature
 * content     = bytes creator, u8 cause, cause fields
 *   Requesting  raw self-parent, bytes recipient
 *   Request     raw self-parent, raw other-parent          (Response the same)
 *   Observation raw self-parent, observation, bytes vote signature
 *   Initial     nothing
 * observation = u8 tag (Genesis 0, Add 1, Remove 2, Accusation 3, Opaque 4), fields
 * message     = version 1, kind (request 1, response 2), bytes instance, u32 count, count × bytes event
 * proof       = version 1, kind 3, bool single, u32 count, count × (bytes signer, bytes vote signature)
 * </pre>
 *
 * The event hash is the suite's hash of the content; the signature covers
 * {@code Domain.signingBytes("bftkit/parsec/v1/event", instance, hash)}. An observation's hash is the suite's
 * hash of its encoding, and a vote's signature covers {@code Domain.signingBytes("bftkit/parsec/v1/vote",
 * instance, observation hash)}. Every length and count is bounded by {@link Limits}.
 */
final class WireCodec {
    static final int VERSION = 1;
    static final int KIND_REQUEST = 1;
    static final int KIND_RESPONSE = 2;
    static final int KIND_PROOF = 3;
    static final String EVENT_TAG = "bftkit/parsec/v1/event";
    static final String VOTE_TAG = "bftkit/parsec/v1/vote";
    private static final int MAX_SIGNATURE = 1024;
    private static final int MAX_MALICE_DEPTH = 2 * Malice.MAX_DEPTH;
    private static final int MAX_GENESIS = 4096;

    /**
     * The bounds on what a peer may send.
     *
     * @param maxEventsPerMessage events in one request or response
     * @param maxEventBytes bytes of one encoded event
     * @param hashLength the suite's hash length
     */
    record Limits(int maxEventsPerMessage, int maxEventBytes, int hashLength) {
    }

    private WireCodec() {
    }

    static byte[] encodeContent(ParsecCore.Content c) {
        Encoder e = new Encoder(128).bytes(c.creator().bytes()).u8(c.cause().ordinal());
        switch (c.cause()) {
            case REQUESTING:
                e.raw(c.selfParent()).bytes(c.recipient().bytes());
                break;
            case REQUEST:
            case RESPONSE:
                e.raw(c.selfParent()).raw(c.otherParent());
                break;
            case OBSERVATION:
                e.raw(c.selfParent());
                encodeObservation(e, c.observation());
                e.bytes(c.voteSignature());
                break;
            default:
                break;
        }
        return e.toByteArray();
    }

    static byte[] encodeEvent(byte[] content, byte[] signature) {
        return new Encoder(content.length + signature.length + 4).raw(content).bytes(signature).toByteArray();
    }

    static byte[] eventSigningBytes(InstanceId instance, byte[] hash) {
        return Domain.signingBytes(EVENT_TAG, instance, hash);
    }

    static byte[] voteSigningBytes(InstanceId instance, byte[] observationHash) {
        return Domain.signingBytes(VOTE_TAG, instance, observationHash);
    }

    /**
     * Decodes one event. The hash is computed by {@code hasher}; nothing is verified here.
     *
     * @throws InvalidMessageException if the bytes are not one well-formed event within the limits
     */
    static Incoming decodeEvent(byte[] wire, Limits limits, java.util.function.Function<byte[], byte[]> hasher) {
        if (wire.length > limits.maxEventBytes()) {
            throw new InvalidMessageException(Reason.TOO_LARGE,
                    "event of " + wire.length + " bytes exceeds " + limits.maxEventBytes());
        }
        Decoder d = new Decoder(wire);
        NodeId creator = nodeId(d, "creator");
        int tag = d.u8();
        if (tag >= Cause.values().length) {
            throw new InvalidMessageException(Reason.MALFORMED, "unknown cause " + tag);
        }
        Cause cause = Cause.values()[tag];
        byte[] selfParent = null;
        byte[] otherParent = null;
        NodeId recipient = null;
        Observation observation = null;
        byte[] voteSignature = new byte[0];
        switch (cause) {
            case REQUESTING:
                selfParent = d.raw(limits.hashLength());
                recipient = nodeId(d, "recipient");
                break;
            case REQUEST:
            case RESPONSE:
                selfParent = d.raw(limits.hashLength());
                otherParent = d.raw(limits.hashLength());
                break;
            case OBSERVATION:
                selfParent = d.raw(limits.hashLength());
                observation = decodeObservation(d, limits);
                voteSignature = d.bytes(MAX_SIGNATURE);
                break;
            default:
                break;
        }
        int contentEnd = d.position();
        byte[] signature = d.bytes(MAX_SIGNATURE);
        d.finish();
        byte[] content = java.util.Arrays.copyOf(wire, contentEnd);
        return new Incoming(hasher.apply(content), creator, cause, selfParent, otherParent, recipient,
                observation, voteSignature, signature, wire.clone());
    }

    private static NodeId nodeId(Decoder d, String what) {
        byte[] b = d.bytes(NodeId.MAX_LENGTH);
        if (b.length == 0) {
            throw new InvalidMessageException(Reason.MALFORMED, "empty " + what + " id");
        }
        return NodeId.of(b);
    }

    static byte[] encodeObservation(Observation o) {
        Encoder e = new Encoder(64);
        encodeObservation(e, o);
        return e.toByteArray();
    }

    private static void encodeObservation(Encoder e, Observation o) {
        if (o instanceof Observation.Genesis g) {
            e.u8(0).i32(g.group().size());
            for (NodeId id : g.group()) {
                e.bytes(id.bytes());
            }
            e.bytes(g.relatedInfo().bytes());
        } else if (o instanceof Observation.Add a) {
            e.u8(1).bytes(a.peer().bytes()).bytes(a.relatedInfo().bytes());
        } else if (o instanceof Observation.Remove r) {
            e.u8(2).bytes(r.peer().bytes()).bytes(r.relatedInfo().bytes());
        } else if (o instanceof Observation.Accusation a) {
            e.u8(3).bytes(a.offender().bytes());
            encodeMalice(e, a.malice());
        } else if (o instanceof Observation.Opaque p) {
            e.u8(4).bytes(p.payload());
        }
    }

    private static void encodeMalice(Encoder e, Malice m) {
        e.u8(m.kind().ordinal()).i32(m.events().size());
        for (byte[] h : m.events()) {
            e.bytes(h);
        }
        e.bytes(m.packedEvent()).bool(m.inner() != null);
        if (m.inner() != null) {
            encodeMalice(e, m.inner());
        }
    }

    private static Observation decodeObservation(Decoder d, Limits limits) {
        int tag = d.u8();
        switch (tag) {
            case 0: {
                int n = d.count(MAX_GENESIS, 5);
                List<NodeId> group = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    group.add(nodeId(d, "genesis member"));
                }
                List<NodeId> sorted = List.copyOf(new java.util.TreeSet<>(group));
                if (!sorted.equals(group)) {
                    throw new InvalidMessageException(Reason.MALFORMED, "genesis group not sorted and distinct");
                }
                return new Observation.Genesis(group, d.bytes(limits.maxEventBytes()));
            }
            case 1:
                return new Observation.Add(nodeId(d, "added peer"), d.bytes(limits.maxEventBytes()));
            case 2:
                return new Observation.Remove(nodeId(d, "removed peer"), d.bytes(limits.maxEventBytes()));
            case 3:
                return new Observation.Accusation(nodeId(d, "offender"), decodeMalice(d, limits, 0));
            case 4:
                return new Observation.Opaque(d.bytes(limits.maxEventBytes()));
            default:
                throw new InvalidMessageException(Reason.MALFORMED, "unknown observation tag " + tag);
        }
    }

    private static Malice decodeMalice(Decoder d, Limits limits, int depth) {
        if (depth > MAX_MALICE_DEPTH) {
            throw new InvalidMessageException(Reason.TOO_LARGE, "accusation nested deeper than " + MAX_MALICE_DEPTH);
        }
        int kind = d.u8();
        if (kind >= Malice.Kind.values().length) {
            throw new InvalidMessageException(Reason.MALFORMED, "unknown malice kind " + kind);
        }
        int n = d.count(2, 4);
        List<byte[]> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(d.bytes(limits.hashLength()));
        }
        byte[] packed = d.bytes(limits.maxEventBytes());
        Malice inner = d.bool() ? decodeMalice(d, limits, depth + 1) : null;
        return new Malice(Malice.Kind.values()[kind], events, packed, inner);
    }

    /** @return the largest request or response {@link #encodeMessage} makes within {@code limits} */
    static long maxMessageBytes(Limits limits, InstanceId instance) {
        return 16L + instance.bytes().length + (long) limits.maxEventsPerMessage() * (limits.maxEventBytes() + 4L);
    }

    static byte[] encodeMessage(int kind, InstanceId instance, List<byte[]> events) {
        int size = 16 + instance.bytes().length;
        for (byte[] e : events) {
            size += e.length + 4;
        }
        Encoder e = new Encoder(size).u8(VERSION).u8(kind).bytes(instance.bytes()).i32(events.size());
        for (byte[] ev : events) {
            e.bytes(ev);
        }
        return e.toByteArray();
    }

    /**
     * Decodes a request or response into its events' bytes.
     *
     * @throws InvalidMessageException if malformed, of another kind or instance, or over the limits
     */
    static List<byte[]> decodeMessage(byte[] bytes, int expectedKind, InstanceId instance, Limits limits) {
        Decoder d = Decoder.message(bytes, VERSION);
        if (d.kind() != expectedKind) {
            throw new InvalidMessageException(d.kind() == KIND_REQUEST || d.kind() == KIND_RESPONSE
                    ? Reason.MALFORMED : Reason.UNKNOWN_KIND, "expected message kind " + expectedKind + ", got " + d.kind());
        }
        byte[] inst = d.bytes(InstanceId.MAX_LENGTH);
        if (!java.util.Arrays.equals(inst, instance.bytes())) {
            throw new InvalidMessageException(Reason.WRONG_INSTANCE, "message for another consensus instance");
        }
        int n = d.count(limits.maxEventsPerMessage(), 4);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(d.bytes(limits.maxEventBytes()));
        }
        d.finish();
        return out;
    }

    static byte[] encodeProof(boolean single, List<Block.Proof> proofs) {
        Encoder e = Encoder.message(VERSION, KIND_PROOF).bool(single).i32(proofs.size());
        for (Block.Proof p : proofs) {
            e.bytes(p.signer().bytes()).bytes(p.signature());
        }
        return e.toByteArray();
    }

    /**
     * @return whether the proof claims Single mode, and its (signer, signature) pairs
     * @throws InvalidMessageException if malformed
     */
    static java.util.Map.Entry<Boolean, List<Block.Proof>> decodeProof(byte[] bytes, int maxSigners) {
        Decoder d = Decoder.message(bytes, VERSION);
        if (d.kind() != KIND_PROOF) {
            throw new InvalidMessageException(Reason.UNKNOWN_KIND, "not a PARSEC decision proof");
        }
        boolean single = d.bool();
        int n = d.count(maxSigners, 8);
        List<Block.Proof> proofs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            proofs.add(new Block.Proof(nodeId(d, "signer"), d.bytes(MAX_SIGNATURE)));
        }
        d.finish();
        return java.util.Map.entry(single, proofs);
    }
}
