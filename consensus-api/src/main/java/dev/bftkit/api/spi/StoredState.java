package dev.bftkit.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * What a node stored, as a {@link Decider} reads it when it is created: read-only ({@code Storage} extends it with
 * writes). A Decider never writes; it returns its writes in each {@link Step}, and its driver makes them durable.
 * Keys are compared as unsigned bytes.
 */
public interface StoredState {
    /** The longest key accepted, in bytes. */
    int MAX_KEY_LENGTH = 1024;
    /** The largest value accepted, in bytes. */
    int MAX_VALUE_LENGTH = 16 * 1024 * 1024;

    /** Nothing stored: a node's first start. */
    StoredState EMPTY = new StoredState() {
        @Override
        public Optional<byte[]> get(byte[] key) {
            return Optional.empty();
        }

        @Override
        public List<Entry> scan(byte[] prefix) {
            return List.of();
        }
    };

    /**
     * {@return a copy of the value stored under {@code key}, if there is one}
     *
     * @param key the key
     */
    Optional<byte[]> get(byte[] key);

    /**
     * All entries whose key starts with {@code prefix}, in unsigned key order.
     *
     * @param prefix the key prefix; empty for every key
     * @return the entries
     */
    List<Entry> scan(byte[] prefix);

    /**
     * One key and its value.
     *
     * @param key the key
     * @param value the value
     */
    record Entry(byte[] key, byte[] value) {
    }
}
