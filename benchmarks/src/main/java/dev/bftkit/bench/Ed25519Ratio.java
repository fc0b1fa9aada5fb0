package dev.bftkit.bench;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Ed25519 verification through {@code Plugins.crypto("bc")} against libsodium's {@code crypto_sign_verify_detached}
 * on the same key, message and signature, in alternating turns in one process, so both sides see the same machine
 * and the same load. Each round gives every message size one turn per side of {@code --millis} each, the side that
 * goes first alternating from round to round; a turn counts the CPU time of its own thread, so the other core's
 * load shows only as it slows this one. The figures are medians over the rounds of the per-round ratios.
 *
 * <p>Sides: {@code sodium} (libsodium, which decodes the key on every call and checks it against a list of
 * small-order points), {@code bc} (the provider with the key decoded once, as the algorithms hold member keys) and
 * {@code bc+decode} ({@code decodePublicKey}, a full prime-order subgroup check, then {@code verify}: what a caller
 * that decodes per message pays). The libsodium side is a JNI shim (resource {@code ed25519_sodium.c}) compiled
 * with {@code gcc} at start against the shared library given by {@code --libsodium}; it verifies in batches so the
 * JNI crossing is paid once per batch.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.Ed25519Ratio [--rounds 15] [--warmup 2] [--millis 500]
 *     [--sizes 32,1024] [--libsodium /usr/lib/x86_64-linux-gnu/libsodium.so.23]
 * </pre>
 */
public final class Ed25519Ratio {
    private static final int BATCH = 32;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Ed25519Ratio() {
    }

    static native int sodiumInit();

    static native int sodiumVerify(byte[] publicKey, byte[] message, byte[] signature, int times);

    /**
     * @param args the options above
     * @throws IOException if the shim cannot be written or compiled
     * @throws InterruptedException if interrupted while compiling it
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        int rounds = 15;
        int warmup = 2;
        long millis = 500;
        int[] sizes = {32, 1024};
        String libsodium = "/usr/lib/x86_64-linux-gnu/libsodium.so.23";
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--millis" -> millis = Long.parseLong(v);
                case "--sizes" -> sizes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--libsodium" -> libsodium = v;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --rounds N --warmup N --millis N --sizes N,N,.. --libsodium PATH");
            }
        }
        System.out.println("command: " + ProcessHandle.current().info().commandLine().orElse("(not readable)"));
        System.out.println(machine() + " · " + Instant.now());
        loadShim(libsodium);
        List<Case> cases = new ArrayList<>();
        for (int size : sizes) {
            cases.add(new Case(size));
        }
        for (int r = 0; r < warmup + rounds; r++) {
            for (Case c : cases) {
                c.round(r, millis, r >= warmup);
            }
        }
        System.out.println("load average after: " + load());
        report(cases);
    }

    /** Compiles the shim into a temporary folder and loads it (which loads libsodium). */
    private static void loadShim(String libsodium) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("bftkit-sodium");
        Path source = dir.resolve("ed25519_sodium.c");
        try (InputStream in = Ed25519Ratio.class.getResourceAsStream("ed25519_sodium.c")) {
            Files.copy(in, source);
        }
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path lib = dir.resolve("libbftkitsodium.so");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-shared", "-fPIC",
                "-I" + javaHome.resolve("include"), "-I" + javaHome.resolve("include/linux"),
                source.toString(), libsodium, "-o", lib.toString()).inheritIO().start();
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc could not build the libsodium shim (is " + libsodium + " there?)");
        }
        System.load(lib.toString());
        if (sodiumInit() < 0) {
            throw new IllegalStateException("sodium_init failed");
        }
        System.out.println("libsodium: " + libsodium);
    }

    /** One message size: a key, a message, its signature, and the per-round CPU nanoseconds per verify of each side. */
    private static final class Case {
        final int size;
        final Crypto crypto = Plugins.crypto("bc").create();
        final byte[] publicBytes;
        final PublicKey publicKey;
        final byte[] message;
        final byte[] signature;
        final List<double[]> rounds = new ArrayList<>();

        Case(int size) {
            this.size = size;
            Random random = new Random(42 + size);
            byte[] seed = new byte[crypto.seedLength()];
            random.nextBytes(seed);
            message = new byte[size];
            random.nextBytes(message);
            SigningKey key = crypto.keyFromSeed(seed);
            publicKey = key.publicKey();
            publicBytes = publicKey.encoded();
            signature = key.sign(message);
        }

        void round(int r, long millis, boolean keep) {
            List<IntSupplier> sides = List.of(
                    () -> sodiumVerify(publicBytes, message, signature, BATCH),
                    () -> {
                        int ok = 0;
                        for (int i = 0; i < BATCH; i++) {
                            ok += crypto.verify(publicKey, message, signature) ? 1 : 0;
                        }
                        return ok;
                    },
                    () -> {
                        int ok = 0;
                        for (int i = 0; i < BATCH; i++) {
                            PublicKey k = crypto.decodePublicKey(publicBytes).orElseThrow();
                            ok += crypto.verify(k, message, signature) ? 1 : 0;
                        }
                        return ok;
                    });
            double[] nanos = new double[sides.size()];
            for (int s = 0; s < sides.size(); s++) {
                int side = (s + r) % sides.size();
                nanos[side] = turn(sides.get(side), millis);
            }
            if (keep) {
                rounds.add(nanos);
            }
        }
    }

    /** @return CPU nanoseconds of this thread per verification, over batches for {@code millis} of wall time */
    private static double turn(IntSupplier batch, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long cpu = THREADS.getCurrentThreadCpuTime();
        long done = 0;
        do {
            if (batch.getAsInt() != BATCH) {
                throw new IllegalStateException("a valid signature did not verify");
            }
            done += BATCH;
        } while (System.nanoTime() < deadline);
        return (double) (THREADS.getCurrentThreadCpuTime() - cpu) / done;
    }

    private static void report(List<Case> cases) {
        System.out.println();
        System.out.println("bytes  sodium µs  bc µs  bc+decode µs  bc ÷ sodium (min–max)  bc+decode ÷ sodium  rounds");
        for (Case c : cases) {
            double[] bc = ratios(c.rounds, 1);
            double[] decode = ratios(c.rounds, 2);
            System.out.printf(Locale.ROOT, "%5d  %9.1f  %5.1f  %12.1f  %.2f (%.2f–%.2f)       %.2f                %d%n",
                    c.size, median(c.rounds, 0) / 1e3, median(c.rounds, 1) / 1e3, median(c.rounds, 2) / 1e3,
                    median(bc), bc[0], bc[bc.length - 1], median(decode), c.rounds.size());
        }
        System.out.println("(CPU time of the measuring thread per verification; medians over the rounds; each ratio "
                + "is taken per round, then the median, after the warm-up rounds)");
    }

    private static double[] ratios(List<double[]> rounds, int side) {
        return rounds.stream().mapToDouble(r -> r[side] / r[0]).sorted().toArray();
    }

    private static double median(List<double[]> rounds, int side) {
        return median(rounds.stream().mapToDouble(r -> r[side]).sorted().toArray());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String machine() {
        return "machine: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " · "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " · "
                + Runtime.getRuntime().availableProcessors() + " processors · load average before: " + load();
    }

    private static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "not readable" : String.format(Locale.ROOT, "%.2f", load);
    }
}
