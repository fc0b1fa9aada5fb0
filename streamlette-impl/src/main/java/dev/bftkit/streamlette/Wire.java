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
 * Streamlette's canonical encoding of messages, diffs and decision proofs (version 1) and pull requests (version
 * 3: version 1 had no unreachable-peer bitmap, version 2 summarized each message's votes by the XOR of their
 * hashes), and its content hashes and signatures.
 *
 * <p>The content hash of a message is the Crypto suite's hash of its encoding with an empty signature (as in the
 * reference), so copies that differ only in signature share one key. The signature covers
 * {@link Domain#signingBytes} of a per-kind domain tag, the instance and the content hash.
 */
final class Wire {
    static final int VERSION = 1;
    /**
     * The pull request's version: 2 added the unreachable-peer bitmap, 3 replaced each summary entry's vote XOR with
     * a bitmap of its voters; version 1 and 2 pulls are refused.
     */
    static final int PULL_VERSION = 3;
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
        return key.isPresent() && verify(crypto, key.get(), m, chash);
    }

    /** @return whether {@code m}'s signature verifies under {@code key}, its signer's decoded key */
    static boolean verify(Crypto crypto, PublicKey key, Message m, byte[] chash) {
        return crypto.verify(key, Domain.signingBytes(kindTag(m), m.instance(), chash), m.signature());
    }

    /**
     * A decoded pull request.
     *
     * @param summary each leader message's hash and the committee-index bitmap of the voters whose vote for it the
     *     asker holds (⌈n/8⌉ bytes, checked like {@code unreachable}'s)
     * @param unreachable by committee index, the peers the asker cannot reach (so their messages should be relayed
     *     at once)
     */
    record Pull(List<byte[][]> summary, boolean[] unreachable) {
    }

    /**
     * A pull request (version 3): the peers we cannot reach as a committee-index bitmap (bit {@code i} is bit
     * {@code i % 8} of byte {@code i / 8}, least significant first; exactly ⌈n/8⌉ bytes, unused bits zero), then
     * our summary: each leader message's hash and the bitmap, in the same layout, of the voters whose vote for it we
     * hold.
     *
     * @param unreachable by committee index; its length is the committee's size
     * @param summary entries of a hash and a voter bitmap of ⌈n/8⌉ bytes
     */
    static byte[] pull(boolean[] unreachable, List<byte[][]> summary) {
        byte[] bitmap = new byte[bitmapBytes(unreachable.length)];
        for (int i = 0; i < unreachable.length; i++) {
            if (unreachable[i]) {
                setBit(bitmap, i);
            }
        }
        Encoder out = Encoder.message(PULL_VERSION, PULL).bytes(bitmap).i32(summary.size());
        for (byte[][] e : summary) {
            if (e[1].length != bitmap.length) {
                throw new IllegalArgumentException("voter bitmap of " + e[1].length + " bytes, expected "
                        + bitmap.length);
            }
            out.raw(e[0]).raw(e[1]);
        }
        return out.toByteArray();
    }

    /** @return the bytes of a committee-index bitmap for {@code members} */
    static int bitmapBytes(int members) {
        return (members + 7) >>> 3;
    }

    static void setBit(byte[] bitmap, int i) {
        bitmap[i >>> 3] |= (byte) (1 << (i & 7));
    }

    static boolean bit(byte[] bitmap, int i) {
        return (bitmap[i >>> 3] >>> (i & 7) & 1) != 0;
    }

    /**
     * Decodes a pull request from an untrusted peer.
     *
     * @param bytes the request
     * @param members the committee's size: every bitmap must have exactly ⌈members/8⌉ bytes and no bit set past it
     * @param maxEntries the most summary entries accepted
     * @param hashLength the suite's hash length
     * @throws InvalidMessageException if anything is out of shape
     */
    static Pull decodePull(byte[] bytes, int members, int maxEntries, int hashLength) {
        Decoder in = Decoder.message(bytes, PULL_VERSION);
        if (in.kind() != PULL) {
            throw in.unknownKind("streamlette request");
        }
        int width = bitmapBytes(members);
        byte[] bitmap = in.bytes(width);
        if (bitmap.length != width) {
            throw new InvalidMessageException(Reason.MALFORMED, "unreachable-peer bitmap of " + bitmap.length
                    + " bytes, the committee of " + members + " needs " + width);
        }
        checkNoStrayBits(bitmap, members, "unreachable-peer");
        boolean[] unreachable = new boolean[members];
        for (int i = 0; i < members; i++) {
            unreachable[i] = bit(bitmap, i);
        }
        int n = in.count(maxEntries, hashLength + width);
        List<byte[][]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] hash = in.raw(hashLength);
            byte[] voters = in.raw(width);
            checkNoStrayBits(voters, members, "voter");
            out.add(new byte[][] {hash, voters});
        }
        in.finish();
        return new Pull(out, unreachable);
    }

    private static void checkNoStrayBits(byte[] bitmap, int members, String what) {
        for (int i = members; i < bitmap.length * 8; i++) {
            if (bit(bitmap, i)) {
                throw new InvalidMessageException(Reason.MALFORMED,
                        what + " bit " + i + " is set in a committee of " + members);
            }
        }
    }

    /**
     * The largest encodings of this instance's messages: what any member can sign, and so what the retained-state
     * bound and the message-size bound are made of.
     *
     * @param leaderMessage the largest proposal or solicit
     * @param vote the largest vote
     * @param width a committee-index bitmap's bytes
     * @param hashLength the suite's hash length
     */
    record Sizes(long leaderMessage, long vote, int width, int hashLength) {
        Sizes(InstanceId instance, dev.bftkit.api.Committee committee, int hashLength, int maxBody) {
            this(header(instance, committee) + 8 + 4 + Math.max(maxBody, hashLength),
                    header(instance, committee) + 4 + hashLength, bitmapBytes(committee.size()), hashLength);
        }

        /** Version, kind, instance, signer and signature: what every message carries besides its content. */
        private static long header(InstanceId instance, dev.bftkit.api.Committee committee) {
            int longestId = 0;
            for (NodeId id : committee.members()) {
                longestId = Math.max(longestId, id.bytes().length);
            }
            return 2 + 4 + instance.bytes().length + 4 + longestId + 4 + MAX_SIGNATURE;
        }

        long maxLeaderMessage() {
            return leaderMessage;
        }

        long maxVote() {
            return vote;
        }

        /** @return the largest pull with a summary of up to {@code entries} entries */
        long maxPull(int entries) {
            return 2 + 4 + width + 4 + (long) entries * (hashLength + width);
        }

        /** @return the largest diff of up to {@code messages} messages and {@code bytes} bytes of them */
        long maxDiff(int messages, long bytes) {
            return 2 + 4 + 4L * messages + bytes;
        }
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
