package dev.bftkit.parsec;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.PublicKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code parsec} plugin: PARSEC deciders (an ordered stream of decided payloads) and the check of their
 * proofs. Found by {@code ServiceLoader}; public for it alone.
 */
public final class ParsecDeciderProvider implements DeciderProvider {
    private final Mutations mutations;

    /** For ServiceLoader. */
    public ParsecDeciderProvider() {
        this(Mutations.NONE);
    }

    ParsecDeciderProvider(Mutations mutations) {
        this.mutations = mutations;
    }

    @Override
    public String name() {
        return "parsec";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ORDERED_STREAM, Capability.RESTART_FROM_STORAGE,
                Capability.DECIDES_SUBMITTED_VALUES);
    }

    @Override
    public Decider create(DeciderConfig config) {
        return new ParsecDecider(config, mutations);
    }

    /**
     * A proof holds the voters' signed votes for the payload. It verifies if more than 2/3 of the committee signed
     * (Supermajority mode), or at least one member signed (a proof marked Single mode: there one vote decides),
     * each signature checked against the member's key over the payload's observation hash in this instance.
     */
    @Override
    public boolean verifyDecision(Committee committee, Crypto crypto, Decision decision) {
        Map.Entry<Boolean, List<Block.Proof>> proof;
        try {
            proof = WireCodec.decodeProof(decision.proof(), committee.size());
        } catch (InvalidMessageException e) {
            return false;
        }
        byte[] observationHash = crypto.hash(WireCodec.encodeObservation(new Observation.Opaque(decision.value())));
        byte[] signed = WireCodec.voteSigningBytes(decision.instance(), observationHash);
        Set<NodeId> valid = new HashSet<>();
        for (Block.Proof p : proof.getValue()) {
            if (!committee.contains(p.signer()) || valid.contains(p.signer())) {
                continue;
            }
            Optional<PublicKey> key = crypto.decodePublicKey(p.signer().bytes());
            if (key.isPresent() && crypto.verify(key.get(), signed, p.signature())) {
                valid.add(p.signer());
            }
        }
        if (proof.getKey()) {
            return !valid.isEmpty();
        }
        return committee.isSupermajority(committee.weightOf(valid));
    }

    @Override
    public String toString() {
        return "parsec" + (mutations.equals(Mutations.NONE) ? "" : "[mutation " + mutations + "]");
    }
}
