package dev.bftkit.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts and deletes that a {@code Storage} applies atomically, in order. Keys and values are copied when added and
 * checked against {@link StoredState#MAX_KEY_LENGTH} and {@link StoredState#MAX_VALUE_LENGTH}.
 */
public final class WriteBatch {
    private final List<Op> ops = new ArrayList<>();

    /** An empty batch. */
    public WriteBatch() {
    }

    /** An operation in a batch. */
    public sealed interface Op permits Put, Delete {
        /** {@return the key the operation changes} */
        byte[] key();
    }

    /**
     * Sets a key to a value.
     *
     * @param key the key
     * @param value the value
     */
    public record Put(byte[] key, byte[] value) implements Op {
    }

    /**
     * Removes a key if present.
     *
     * @param key the key
     */
    public record Delete(byte[] key) implements Op {
    }

    /**
     * Adds a put of {@code value} under {@code key}, after the operations already in the batch. Both arrays are copied.
     *
     * @param key the key, 1 to {@link StoredState#MAX_KEY_LENGTH} bytes
     * @param value the value, at most {@link StoredState#MAX_VALUE_LENGTH} bytes
     * @return this batch
     * @throws IllegalArgumentException if the key or the value is too long, or the key is empty
     */
    public WriteBatch put(byte[] key, byte[] value) {
        checkKey(key);
        if (value.length > StoredState.MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value of " + value.length + " bytes exceeds " + StoredState.MAX_VALUE_LENGTH);
        }
        ops.add(new Put(key.clone(), value.clone()));
        return this;
    }

    /**
     * Adds a delete of {@code key}, after the operations already in the batch; deleting an absent key changes nothing.
     * The array is copied.
     *
     * @param key the key, 1 to {@link StoredState#MAX_KEY_LENGTH} bytes
     * @return this batch
     * @throws IllegalArgumentException if the key is empty or too long
     */
    public WriteBatch delete(byte[] key) {
        checkKey(key);
        ops.add(new Delete(key.clone()));
        return this;
    }

    /** {@return the operations in order; the arrays are the batch's own and must not be changed} */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /** {@return the number of operations} */
    public int size() {
        return ops.size();
    }

    /** {@return true if the batch has no operations} */
    public boolean isEmpty() {
        return ops.isEmpty();
    }

    private static void checkKey(byte[] key) {
        if (key.length == 0 || key.length > StoredState.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1.." + StoredState.MAX_KEY_LENGTH + " bytes, got " + key.length);
        }
    }
}
