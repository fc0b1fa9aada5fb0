package dev.bftkit.streamlette;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Streamlette's canonical encoding (version 1) of messages, pull requests, diffs and decision proofs, and its
 * content hashes and signatures.
 *
 * <p>The content hash of a message is the Crypto suite's hash of its encoding with an empty signature (as in the
 * reference), so copies that differ only in signature share one key. The signature covers
 * {@link Domain#signingBytes} of a per-kind domain tag, the instance and the content hash.
 */
final class Wire {
    static final int VERSION = 1;
    static final int PROPOSAL = 1;
    static final int SOLICIT = 2;
    static final int VOTE = 3;
    static final int PULL = 10;
    static final int DIFF = 11;
    static final int PROOF = 12;

    /** The largest signature accepted, in bytes. */
    static final int MAX_SIGNATURE = 256;
    private static final String TAG = "bftkit/streamlette/v1/";

    private Wire() {
    }

    static byte[] encode(Message m) {
        return encode(m, m.signature());
    }

    private static byte[] encode(Message m, byte[] signature) {
        if (m instanceof Proposal p) {
            return Encoder.message(VERSION, PROPOSAL).bytes(p.instance().bytes()).i64(p.tick())
                    .bytes(p.body()).bytes(p.source().bytes()).bytes(signature).toByteArray();
        }
        if (m instanceof Solicit s) {
            return Encoder.message(VERSION, SOLICIT).bytes(s.instance().bytes()).i64(s.tick())
                    .bytes(s.previous()).bytes(s.source().bytes()).bytes(signature).toByteArray();
        }
        Vote v = (Vote) m;
        return Encoder.message(VERSION, VOTE).bytes(v.instance().bytes()).bytes(v.target())
                .bytes(v.source().bytes()).bytes(signature).toByteArray();
    }

    /**
     * Decodes one message, checking structure only (not signature, membership or tree rules).
     *
     * @param bytes the encoding
     * @param maxBody the largest proposal body accepted
     * @param hashLength the suite's hash length
     */
    static Message decode(byte[] bytes, int maxBody, int hashLength) {
        Decoder in = Decoder.message(bytes, VERSION);
        InstanceId instance = instance(in.bytes(InstanceId.MAX_LENGTH));
        Message m = switch (in.kind()) {
            case PROPOSAL -> {
                long tick = in.nonNegative("tick");
                byte[] body = in.bytes(maxBody);
                yield new Proposal(instance, tick, body, node(in.bytes(NodeId.MAX_LENGTH)), in.bytes(MAX_SIGNATURE));
            }
            case SOLICIT -> {
                long tick = in.nonNegative("tick");
                byte[] previous = hash(in.bytes(hashLength), hashLength);
                yield new Solicit(instance, tick, previous, node(in.bytes(NodeId.MAX_LENGTH)),
                        in.bytes(MAX_SIGNATURE));
            }
            case VOTE -> {
                byte[] target = hash(in.bytes(hashLength), hashLength);
                yield new Vote(instance, target, node(in.bytes(NodeId.MAX_LENGTH)), in.bytes(MAX_SIGNATURE));
            }
            default -> throw in.unknownKind("streamlette message");
        };
        in.finish();
        return m;
    }

    private static InstanceId instance(byte[] b) {
        if (b.length == 0) {
            throw new InvalidMessageException(Reason.MALFORMED, "empty instance id");
        }
        return InstanceId.of(b);
    }

    private static NodeId node(byte[] b) {
        if (b.length == 0) {
            throw new InvalidMessageException(Reason.MALFORMED, "empty node id");
        }
        return NodeId.of(b);
    }

    private static byte[] hash(byte[] b, int hashLength) {
        if (b.length != hashLength) {
            throw new InvalidMessageException(Reason.MALFORMED,
                    "hash of " + b.length + " bytes, the suite's hashes have " + hashLength);
        }
        return b;
    }

    /** The content hash: the hash of the encoding with an empty signature. */
    static byte[] contentHash(Crypto crypto, Message m) {
        return crypto.hash(encode(m, new byte[0]));
    }

    static String kindTag(Message m) {
        return TAG + (m instanceof Proposal ? "proposal" : m instanceof Solicit ? "solicit" : "vote");
    }

    /** @return a copy of {@code m} carrying {@code signature} */
    static Message withSignature(Message m, byte[] signature) {
        if (m instanceof Proposal p) {
            return new Proposal(p.instance(), p.tick(), p.body(), p.source(), signature);
        }
        if (m instanceof Solicit s) {
            return new Solicit(s.instance(), s.tick(), s.previous(), s.source(), signature);
        }
        Vote v = (Vote) m;
        return new Vote(v.instance(), v.target(), v.source(), signature);
    }

    /** @return {@code unsigned}, signed by {@code key} */
    static Message signed(SigningKey key, Crypto crypto, Message unsigned) {
        return withSignature(unsigned, sign(key, unsigned, contentHash(crypto, unsigned)));
    }

    static byte[] sign(SigningKey key, Message unsigned, byte[] chash) {
        return key.sign(Domain.signingBytes(kindTag(unsigned), unsigned.instance(), chash));
    }

    static boolean verify(Crypto crypto, Message m, byte[] chash) {
        Optional<PublicKey> key = crypto.decodePublicKey(m.source().bytes());
        return key.isPresent()
                && crypto.verify(key.get(), Domain.signingBytes(kindTag(m), m.instance(), chash), m.signature());
    }

    /** A pull request: our summary, each leader message's hash and the XOR of its votes' hashes. */
    static byte[] pull(List<byte[][]> summary) {
        Encoder out = Encoder.message(VERSION, PULL).i32(summary.size());
        for (byte[][] e : summary) {
            out.raw(e[0]).raw(e[1]);
        }
        return out.toByteArray();
    }

    static List<byte[][]> decodePull(byte[] bytes, int maxEntries, int hashLength) {
        Decoder in = Decoder.message(bytes, VERSION);
        if (in.kind() != PULL) {
            throw in.unknownKind("streamlette request");
        }
        int n = in.count(maxEntries, 2 * hashLength);
        List<byte[][]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new byte[][] {in.raw(hashLength), in.raw(hashLength)});
        }
        in.finish();
        return out;
    }

    /** A diff: encoded messages, parents before children and targets before their votes. */
    static byte[] diff(List<byte[]> messages) {
        Encoder out = Encoder.message(VERSION, DIFF).i32(messages.size());
        for (byte[] m : messages) {
            out.bytes(m);
        }
        return out.toByteArray();
    }

    static List<byte[]> decodeDiff(byte[] bytes, int maxMessages, int maxMessageBytes) {
        Decoder in = Decoder.message(bytes, VERSION);
        if (in.kind() != DIFF) {
            throw in.unknownKind("streamlette response");
        }
        int n = in.count(maxMessages, 4);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.bytes(maxMessageBytes));
        }
        in.finish();
        return out;
    }
}
