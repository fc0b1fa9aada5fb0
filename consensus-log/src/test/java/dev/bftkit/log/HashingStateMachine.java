package dev.bftkit.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A test state machine: how many fresh values it applied and a running SHA-256 over them, in order. Two members
 * hold the same state only if they applied the same values in the same order.
 */
final class HashingStateMachine implements StateMachine {
    private long count;
    private byte[] hash = new byte[32];

    @Override
    public void apply(LogEntry entry) {
        for (byte[] v : entry.freshPayloads()) {
            MessageDigest d = sha256();
            d.update(hash);
            d.update(v);
            hash = d.digest();
            count++;
        }
    }

    @Override
    public byte[] snapshot() {
        return ByteBuffer.allocate(8 + 32).putLong(count).put(hash).array();
    }

    @Override
    public void restore(byte[] snapshot) {
        ByteBuffer b = ByteBuffer.wrap(snapshot);
        count = b.getLong();
        hash = new byte[32];
        b.get(hash);
    }

    long count() {
        return count;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
