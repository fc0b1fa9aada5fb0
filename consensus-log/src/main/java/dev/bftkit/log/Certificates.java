package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Commit votes and the certificates made of them. A member signs a commit vote for each entry it commits: the log,
 * the height and what it commits there: the entry's hash, or at a checkpoint height (the last entry before a
 * snapshot) the hash of the entry's hash and the snapshot's digest. A certificate is commit votes from members
 * holding more than a third of the weight: at least one of them is honest (the fault assumption), and an honest
 * member commits only the entry its Decider decided, which every honest member decides alike, and takes the
 * snapshot of the state that entry leaves. So a certificate shows an entry final, and a snapshot right, with the
 * committee alone.
 *
 * <p>A certificate's encoding (a log decision's proof): version, the snapshot's digest (empty below no checkpoint),
 * the number of signatures, then each signer's committee index and signature.
 */
final class Certificates {
    static final String TAG = "bftkit/log/v1/commit";
    static final String CHECKPOINT_TAG = "bftkit/log/v1/checkpoint";
    private static final int VERSION = 2;
    /** The longest digest a certificate carries. */
    static final int MAX_DIGEST = 64;

    private Certificates() {
    }

    /** One member's signed commit vote. */
    record Vote(long height, byte[] hash, byte[] signature) {
    }

    /** A signer and its signature, in a certificate. */
    record Signed(int member, byte[] signature) {
    }

    static byte[] signingBytes(InstanceId log, long height, byte[] hash) {
        return Domain.signingBytes(TAG, log, new Encoder(16 + hash.length).i64(height).bytes(hash).toByteArray());
    }

    /**
     * {@return what a member votes for at a height: the entry's hash, or with a snapshot's digest the hash of both}
     *
     * @param digest the snapshot's digest at a checkpoint height, else empty
     */
    static byte[] voted(Crypto crypto, byte[] entryHash, byte[] digest) {
        return digest.length == 0 ? entryHash : crypto.hash(new Encoder(16 + entryHash.length + digest.length)
                .bytes(CHECKPOINT_TAG.getBytes(StandardCharsets.US_ASCII)).bytes(entryHash).bytes(digest)
                .toByteArray());
    }

    static byte[] encode(byte[] digest, List<Signed> signatures) {
        Encoder e = new Encoder(16 + digest.length + signatures.size() * 80).u8(VERSION).bytes(digest)
                .i32(signatures.size());
        for (Signed s : signatures) {
            e.u16(s.member()).bytes(s.signature());
        }
        return e.toByteArray();
    }

    /** {@return the largest certificate by a committee of {@code members}, in bytes} */
    static long maxBytes(int members, Crypto crypto) {
        return 9L + MAX_DIGEST + members * (2L + 4 + crypto.signatureLength());
    }

    /**
     * {@return the snapshot digest a certificate carries: empty below no checkpoint}
     *
     * @throws InvalidMessageException if the bytes are not a certificate
     */
    static byte[] digest(byte[] certificate) {
        Decoder d = new Decoder(certificate);
        if (d.u8() != VERSION) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "certificate version");
        }
        return d.bytes(MAX_DIGEST);
    }

    /**
     * {@return true if {@code certificate} holds valid commit votes for this entry (and the snapshot digest it
     * carries, if any) from members with more than a third of the weight; never throws on bad bytes}
     */
    static boolean verify(Committee committee, Crypto crypto, Function<NodeId, Optional<PublicKey>> keys,
                          InstanceId log, long height, byte[] hash, byte[] certificate) {
        try {
            Decoder d = new Decoder(certificate);
            if (d.u8() != VERSION) {
                return false;
            }
            byte[] digest = d.bytes(MAX_DIGEST);
            int n = d.count(committee.size(), 6);
            byte[] signed = signingBytes(log, height, voted(crypto, hash, digest));
            Set<NodeId> valid = new HashSet<>();
            for (int i = 0; i < n; i++) {
                int member = d.u16();
                byte[] signature = d.bytes(crypto.signatureLength());
                if (member >= committee.size()) {
                    return false;
                }
                NodeId signer = committee.member(member);
                Optional<PublicKey> key = keys.apply(signer);
                if (valid.contains(signer) || key.isEmpty() || !crypto.verify(key.get(), signed, signature)) {
                    return false;
                }
                valid.add(signer);
            }
            d.finish();
            return committee.exceedsOneThird(committee.weightOf(valid));
        } catch (InvalidMessageException e) {
            return false;
        }
    }
}
