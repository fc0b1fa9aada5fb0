package dev.bftkit.crypto.bc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads verify valid and tampered signatures for a while, and every verification ends with the right answer:
 * no hang (bc-java #1599 reported an Ed25519 verification loop under load) and no wrong verdict.
 *
 * <p>By default it runs a few seconds on one thread per core and asserts correctness only. The stress run: 8 threads
 * (or 4 per core, if more) for 10 minutes, at least 10,000 verifications per second across them:
 * <pre>
 * mvn -B verify -pl crypto-bc -am -Dbftkit.crypto.stress=true -Dtest=VerificationStressTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * ({@code -Psoak} turns it on too; {@code -Dbftkit.crypto.stress.seconds=N} changes the length.)
 */
class VerificationStressTest {
    private static final int KEYS = 16;
    private static final int CASES = 512;
    private static final double REQUIRED_RATE = 10_000;

    @Test
    void verifiesUnderLoadWithoutHangOrWrongAnswer() throws Exception {
        boolean stress = Boolean.getBoolean("bftkit.crypto.stress") || Boolean.getBoolean("bftkit.soak");
        long seconds = Long.getLong("bftkit.crypto.stress.seconds", stress ? 600 : 3);
        int cores = Runtime.getRuntime().availableProcessors();
        // the stress run oversubscribes the cores, so verifications are preempted mid-call as on a loaded server
        int threads = stress ? Math.max(8, 4 * cores) : Math.max(2, cores);

        Crypto crypto = new BcCryptoProvider().create();
        Random random = new Random(1599);
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            keys.add(crypto.keyFromSeed(seed));
        }
        byte[][] messages = new byte[CASES][];
        byte[][] signatures = new byte[CASES][];
        boolean[] valid = new boolean[CASES];
        for (int i = 0; i < CASES; i++) {
            messages[i] = new byte[32 + random.nextInt(256)];
            random.nextBytes(messages[i]);
            signatures[i] = keys.get(i % KEYS).sign(messages[i]);
            valid[i] = i % 8 != 0;
            if (!valid[i]) {
                signatures[i][random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            }
        }

        AtomicLong done = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        AtomicLong slowestNanos = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        Duration cpuBefore = processCpu();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * 97;
                workers.add(pool.submit(() -> {
                    long slowest = 0;
                    for (int n = offset; System.nanoTime() < deadline; n++) {
                        int i = n % CASES;
                        long before = System.nanoTime();
                        boolean ok = crypto.verify(keys.get(i % KEYS).publicKey(), messages[i], signatures[i]);
                        slowest = Math.max(slowest, System.nanoTime() - before);
                        if (ok != valid[i]) {
                            wrong.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                    slowestNanos.accumulateAndGet(slowest, Math::max);
                }));
            }
            for (Future<?> worker : workers) {
                try {
                    worker.get(seconds + 120, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a verifier is still running 2 minutes after the deadline: a hang", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = done.get() / elapsed;
        double cpuSeconds = processCpu().minus(cpuBefore).toNanos() / 1e9;
        System.out.printf("crypto-bc stress: %d verifications on %d threads in %.1f s = %.0f/s; the JVM got"
                        + " %.1f CPU-seconds = %.0f verifications per CPU-second; slowest one %.2f ms;"
                        + " wrong answers %d%n", done.get(), threads, elapsed, rate, cpuSeconds,
                done.get() / cpuSeconds, slowestNanos.get() / 1e6, wrong.get());

        assertThat(wrong.get()).as("wrong verdicts").isZero();
        assertThat(done.get()).as("verifications").isPositive();
        if (stress) {
            assertThat(rate).as("verifications per second across %d threads", threads)
                    .isGreaterThanOrEqualTo(REQUIRED_RATE);
        }
    }

    /** @return the CPU time this JVM has used so far: what the machine, shared with others, gave the test */
    private static Duration processCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
