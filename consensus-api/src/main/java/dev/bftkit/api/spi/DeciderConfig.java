package dev.bftkit.api.spi;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link Decider} is made from. A Decider does no I/O of its own: what its node stored, its crypto and
 * randomness (the seed) come in here, and everything it sends or writes goes out in its {@link Step}s.
 *
 * @param instance the consensus instance; inside every signed message, the storage key prefix, the channel
 * @param committee the members and their weights
 * @param key our signing key; our node id is its public key
 * @param crypto the suite for every signature and hash
 * @param stored what this node stored (its Decider's earlier steps' writes), read when the Decider is created and,
 *     if it needs to, later (it reflects every step the driver carried out since); {@link StoredState#EMPTY} on a
 *     first start with nothing to keep
 * @param application proposals and their validation
 * @param seed the seed of every random choice the Decider makes (and, where the algorithm says so, its leader
 *     schedule), so a seed replays a run exactly
 * @param options algorithm-specific settings, as text
 */
public record DeciderConfig(InstanceId instance, Committee committee, SigningKey key, Crypto crypto, StoredState stored,
                            Application application, long seed, Map<String, String> options) {

    /**
     * Validates: every part present, and our key's node id is a committee member. Copies the options.
     *
     * @param instance the consensus instance; not null
     * @param committee the members and their weights; not null, and it must contain our key's node id
     * @param key our signing key; not null
     * @param crypto the suite for every signature and hash; not null
     * @param stored what this node stored before, read at creation; not null
     * @param application proposals and their validation; not null
     * @param seed the seed of every random choice the Decider makes; any value, the same one replays the same run
     * @param options algorithm-specific settings by name, as text (may be empty); no null names or values
     * @throws NullPointerException if an argument, or an option's name or value, is null
     * @throws IllegalArgumentException if our key's node id is not in {@code committee}
     */
    public DeciderConfig {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(committee, "committee");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(application, "application");
        options = Map.copyOf(options);
        if (!committee.contains(key.publicKey().nodeId())) {
            throw new IllegalArgumentException("our node " + key.publicKey().nodeId() + " is not in the committee");
        }
    }

    /** {@return our node id} */
    public NodeId self() {
        return key.publicKey().nodeId();
    }

    /**
     * {@return the value of option {@code name}, if set}
     *
     * @param name an option name
     */
    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /**
     * {@return option {@code name} as a whole number, or {@code fallback} if it is not set}
     *
     * @param name an option name
     * @param fallback the value when unset
     * @throws IllegalArgumentException if it is set but not a number
     */
    public long longOption(String name, long fallback) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + name + " must be a whole number, got '" + v + "'", e);
        }
    }

    /**
     * {@return a copy of this configuration with option {@code name} set to {@code value}, replacing any earlier value}
     *
     * @param name an option name
     * @param value its value
     */
    public DeciderConfig withOption(String name, String value) {
        Map<String, String> m = new HashMap<>(options);
        m.put(name, value);
        return new DeciderConfig(instance, committee, key, crypto, stored, application, seed, m);
    }

    /**
     * {@return a copy of this configuration that reads {@code stored}}
     *
     * @param stored another node state (for example the store after a restart)
     */
    public DeciderConfig withStored(StoredState stored) {
        return new DeciderConfig(instance, committee, key, crypto, stored, application, seed, options);
    }
}
