package dev.bftkit.conformance.junit;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The numbered batches of the crash test, and the check of what a store holds after a crash. Batch {@code n}
 * (from 1) is derived from the seed and {@code n} alone, so the child that writes it and the parent that checks it
 * agree without talking. It
 * <ul>
 *   <li>puts 1 to 6 keys {@code 'B' n i} whose values start with {@code n} and {@code i} and carry up to 16 KiB of
 *       seeded bytes (its own keys: a torn batch shows up as a partial set);</li>
 *   <li>overwrites the {@value #LAST_KEYS} keys {@code 'L' j} with {@code n} (shared keys: a torn batch shows up as
 *       mixed numbers);</li>
 *   <li>puts {@code 'T' n} and deletes {@code 'T' n-1} (a delete: exactly one such key may exist).</li>
 * </ul>
 * After any crash the store must hold exactly batches 1..k for some k, and nothing else.
 */
final class CrashBatches {
    private static final byte BATCH = 'B';
    private static final byte LAST = 'L';
    private static final byte TOKEN = 'T';
    private static final int LAST_KEYS = 4;

    private CrashBatches() {
    }

    /**
     * @param seed the run's seed
     * @param n the batch number, from 1
     * @return batch {@code n}
     */
    static WriteBatch batch(long seed, long n) {
        WriteBatch batch = new WriteBatch();
        byte[] number = be64(n);
        for (int j = 0; j < LAST_KEYS / 2; j++) {
            batch.put(lastKey(j), number);
        }
        int keys = keyCount(seed, n);
        for (int i = 0; i < keys; i++) {
            batch.put(batchKey(n, i), value(seed, n, i));
        }
        batch.put(Bytes.concat(new byte[] {TOKEN}, number), number);
        if (n > 1) {
            batch.delete(Bytes.concat(new byte[] {TOKEN}, be64(n - 1)));
        }
        for (int j = LAST_KEYS / 2; j < LAST_KEYS; j++) {
            batch.put(lastKey(j), number);
        }
        return batch;
    }

    /**
     * Checks that the store holds exactly batches 1..k.
     *
     * @param storage the reopened store
     * @param seed the run's seed
     * @return k, the number of complete batches
     * @throws IllegalStateException describing the first difference: a torn, missing, extra or changed entry
     */
    static long check(Storage storage, long seed) {
        List<Storage.Entry> all = storage.scan(new byte[0]);
        int at = 0;
        long complete = 0;
        // batch keys sort first ('B' < 'L' < 'T'), in batch order
        while (at < all.size() && all.get(at).key()[0] == BATCH) {
            long n = complete + 1;
            int keys = keyCount(seed, n);
            for (int i = 0; i < keys; i++, at++) {
                if (at >= all.size() || !Arrays.equals(all.get(at).key(), batchKey(n, i))) {
                    throw new IllegalStateException("batch " + n + " is torn or out of sequence: expected key "
                            + Bytes.hex(batchKey(n, i)) + ", found "
                            + (at < all.size() ? Bytes.hex(all.get(at).key()) : "the end"));
                }
                if (!Arrays.equals(all.get(at).value(), value(seed, n, i))) {
                    throw new IllegalStateException("batch " + n + " key " + i + " holds wrong bytes");
                }
            }
            complete = n;
        }
        byte[] number = be64(complete);
        for (int j = 0; j < LAST_KEYS && complete > 0; j++, at++) {
            if (at >= all.size() || !Arrays.equals(all.get(at).key(), lastKey(j))
                    || !Arrays.equals(all.get(at).value(), number)) {
                throw new IllegalStateException("shared key L" + j + " does not hold the last complete batch "
                        + complete + (at < all.size() ? ": found " + Bytes.hex(all.get(at).key()) + " = "
                        + Bytes.hex(all.get(at).value()) : ": missing"));
            }
        }
        if (complete > 0) {
            byte[] token = Bytes.concat(new byte[] {TOKEN}, number);
            if (at >= all.size() || !Arrays.equals(all.get(at).key(), token)
                    || !Arrays.equals(all.get(at).value(), number)) {
                throw new IllegalStateException("token of batch " + complete + " missing or wrong");
            }
            at++;
        }
        if (at != all.size()) {
            throw new IllegalStateException("unexpected entry after " + complete + " complete batches: "
                    + Bytes.hex(all.get(at).key()));
        }
        return complete;
    }

    private static int keyCount(long seed, long n) {
        return 1 + random(seed, n, -1).nextInt(6);
    }

    private static byte[] value(long seed, long n, int i) {
        SplittableRandom r = random(seed, n, i);
        int length = r.nextInt(16) == 0 ? 1024 + r.nextInt(15 * 1024) : r.nextInt(200);
        byte[] value = new byte[10 + length];
        ByteBuffer.wrap(value).putLong(n).putShort((short) i);
        for (int k = 10; k < value.length; k++) {
            value[k] = (byte) r.nextInt(256);
        }
        return value;
    }

    private static SplittableRandom random(long seed, long n, int i) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ n * 0xC2B2AE3D27D4EB4FL ^ i);
    }

    private static byte[] batchKey(long n, int i) {
        return ByteBuffer.allocate(11).put(BATCH).putLong(n).putShort((short) i).array();
    }

    private static byte[] lastKey(int j) {
        return new byte[] {LAST, (byte) j};
    }

    private static byte[] be64(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }
}
