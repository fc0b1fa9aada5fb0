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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Commit votes and the certificates made of them. A member signs a commit vote for each entry it commits: the log,
 * the height and the entry's hash. A certificate is commit votes from members holding more than a third of the
 * weight: at least one of them is honest (the fault assumption), and an honest member commits only the entry its
 * Decider decided, which every honest member decides alike. So a certificate shows an entry final with the
 * committee alone.
 */
final class Certificates {
    static final String TAG = "bftkit/log/v1/commit";
    private static final int VERSION = 1;

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

    static byte[] encode(List<Signed> signatures) {
        Encoder e = new Encoder(8 + signatures.size() * 80).u8(VERSION).i32(signatures.size());
        for (Signed s : signatures) {
            e.u16(s.member()).bytes(s.signature());
        }
        return e.toByteArray();
    }

    /** {@return the largest certificate for {@code committee}, in bytes} */
    static long maxBytes(Committee committee, Crypto crypto) {
        return 5L + committee.size() * (2L + 4 + crypto.signatureLength());
    }

    /**
     * {@return true if {@code certificate} holds valid commit votes for this entry from members with more than a
     * third of the weight; never throws on bad bytes}
     */
    static boolean verify(Committee committee, Crypto crypto, Function<NodeId, Optional<PublicKey>> keys,
                          InstanceId log, long height, byte[] hash, byte[] certificate) {
        try {
            Decoder d = new Decoder(certificate);
            if (d.u8() != VERSION) {
                return false;
            }
            int n = d.count(committee.size(), 6);
            byte[] signed = signingBytes(log, height, hash);
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
