package dev.bftkit.streamlette;

import dev.bftkit.api.Committee;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The committee members' public keys, each decoded (and validated) once: decoding costs about as much as a
 * verification, and every message names its signer. Only members are decoded, so a peer cannot grow it. Looked up
 * by key only, never iterated.
 */
final class MemberKeys {
    private final Committee committee;
    private final Crypto crypto;
    private final Map<NodeId, Optional<PublicKey>> decoded = new HashMap<>();

    MemberKeys(Committee committee, Crypto crypto) {
        this.committee = committee;
        this.crypto = crypto;
    }

    /** @return the member's decoded key, or empty if {@code id} is not a member or its key does not decode */
    Optional<PublicKey> of(NodeId id) {
        if (!committee.contains(id)) {
            return Optional.empty();
        }
        return decoded.computeIfAbsent(id, k -> crypto.decodePublicKey(k.bytes()));
    }

    /** @return whether {@code m}'s signature verifies under its signer's key, given its content hash */
    boolean verify(Message m, byte[] chash) {
        Optional<PublicKey> key = of(m.source());
        return key.isPresent() && Wire.verify(crypto, key.get(), m, chash);
    }
}
