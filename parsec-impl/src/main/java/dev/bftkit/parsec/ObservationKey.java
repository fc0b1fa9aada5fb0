package dev.bftkit.parsec;

import java.util.Arrays;

/**
 * Identifies an observation for consensus: its hash, plus its creator in Single mode (the reference's
 * {@code ObservationKey::Supermajority(hash) | Single(hash, creator)}).
 */
final class ObservationKey {
    /** The creator of a Supermajority key: none. */
    static final int NO_CREATOR = -1;

    private final byte[] hash;
    private final int creator;
    private final int hashCode;

    ObservationKey(byte[] hash, int creator) {
        this.hash = hash;
        this.creator = creator;
        this.hashCode = Arrays.hashCode(hash) * 31 + creator;
    }

    static ObservationKey supermajority(byte[] hash) {
        return new ObservationKey(hash, NO_CREATOR);
    }

    /** @return the observation hash; must not be changed */
    byte[] hash() {
        return hash;
    }

    /** @return the creator's peer index in Single mode, else {@link #NO_CREATOR} */
    int creator() {
        return creator;
    }

    boolean isSingle() {
        return creator != NO_CREATOR;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ObservationKey k && k.hashCode == hashCode && k.creator == creator && Arrays.equals(k.hash, hash);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public String toString() {
        return dev.bftkit.api.Bytes.hex(hash).substring(0, 8) + (isSingle() ? "/" + creator : "");
    }
}
