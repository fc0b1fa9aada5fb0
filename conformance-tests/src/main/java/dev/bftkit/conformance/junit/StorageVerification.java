package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every {@link StorageProvider} must follow, as JUnit 5 tests. A provider's tests subclass it and supply
 * the provider:
 *
 * <pre>{@code
 * class MyStorageTest extends StorageVerification {
 *     protected StorageProvider provider() { return new MyStorageProvider(); }
 * }
 * }</pre>
 *
 * <p>Each test's name is its rule id: {@code required_…} rules bind every provider, {@code required_durable_…}
 * rules bind providers that claim {@linkplain StorageProvider#durable() durability} and are skipped for the others,
 * {@code optional_…} rules are skipped when the provider's capability hook says it does not offer the behaviour.
 * The kit's README lists the rules.
 *
 * <p>The crash rule starts {@link StorageCrashChild} in child JVMs with the current module path and class path and
 * finds the provider there by {@linkplain StorageProvider#name() name}, so the provider must be discoverable through
 * {@link java.util.ServiceLoader}. Randomized rules are seeded: {@code -Dbftkit.seed=N} replays one seed, a failure
 * prints the seed and the command that replays it, and {@code -Dbftkit.soak=true} (Maven: {@code -Psoak}) runs the
 * long versions.
 */
// JUnit annotations in the signatures come from a module the kit requires statically, not transitively, so that
// modules using the kit without JUnit (the CLI) still compile; plugin tests have JUnit anyway.
@SuppressWarnings("exports")
@ExtendWith(StorageVerification.HangDetector.class)
public abstract class StorageVerification {
    private static final long MIB = 1024 * 1024;
    private static final int MILLION = 1_000_000;

    /** The running rule's hang detector, set by {@link HangDetector}; null when a rule is called directly. */
    private volatile RuleWatch watch;

    /** For subclasses. */
    protected StorageVerification() {
    }

    /** {@return the provider under test} */
    protected abstract StorageProvider provider();

    /**
     * Capability: whether the durability, crash, locking, directory and damage rules apply.
     *
     * @return {@link StorageProvider#durable()} unless overridden
     */
    protected boolean durable() {
        return provider().durable();
    }

    /**
     * Capability: whether the provider creates a missing store directory (rather than refusing it clearly).
     *
     * @return true unless overridden
     */
    protected boolean createsMissingDirectory() {
        return true;
    }

    /**
     * The stated memory bound: how much more heap, after a full collection, an open store may retain once it holds
     * a million entries of 5-byte keys and 16-byte values (21 MB of data). The default suits a store that keeps
     * everything on the heap; a store that keeps its data on disk should state a tighter bound.
     *
     * @return bytes; 256 MiB unless overridden
     */
    protected long millionKeysHeapBound() {
        return 256 * MIB;
    }

    /**
     * The configuration the kit opens each store with; override it to pass provider options. The child JVMs of the
     * crash and second-process rules open their stores with it too (its directory and options reach them as
     * arguments), so put every setting that matters here: a provider built with constructor arguments in
     * {@link #provider()} is found by name, with its no-argument constructor, in those JVMs.
     *
     * @param directory a fresh directory for one store
     * @return the configuration to open it with; no options unless overridden
     */
    protected StorageConfig config(Path directory) {
        return StorageConfig.at(directory);
    }

    /**
     * The longest the kit waits for any one outcome: a call into the store (open, get, scan, write, close), or a
     * child JVM's next line. A rule whose wait goes on longer fails, naming the call or the line it waited for and
     * where the waiting thread stands.
     *
     * @return 2 minutes unless overridden
     */
    protected Duration patience() {
        return Duration.ofMinutes(2);
    }

    /**
     * Opens a store in {@code directory} through the provider under test, with {@link #config(Path)}. Under a
     * rule, every call into the store is watched (see {@link #patience()}).
     *
     * @param directory the store's directory
     * @return the opened store
     */
    protected final Storage open(Path directory) {
        RuleWatch w = watch;
        if (w == null) {
            return provider().open(config(directory));
        }
        Storage s = w.during("StorageProvider.open(" + config(directory) + ")", () -> provider().open(config(directory)));
        return new WatchedStorage(s, w);
    }

    private void progress(String key, String note) {
        RuleWatch w = watch;
        if (w != null) {
            w.progress(key, note);
        }
    }

    /**
     * Runs each rule of {@link StorageVerification} on its own thread under a hang detector: a call into the store,
     * or a wait for a child JVM's line, that goes on longer than {@link #patience()} fails the rule with a message
     * naming it; a rule that runs longer than {@value RuleWatch#PROGRESS_SECONDS} s prints where it stands every
     * {@value RuleWatch#PROGRESS_SECONDS} s. {@code StorageVerification} registers it; a subclass need not.
     */
    public static final class HangDetector implements InvocationInterceptor {
        /** For JUnit. */
        public HangDetector() {
        }

        @Override
        public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                ExtensionContext extension) throws Throwable {
            watch(invocation, context, context.getExecutable().getName());
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                ReflectiveInvocationContext<Method> context, ExtensionContext extension) throws Throwable {
            watch(invocation, context, context.getExecutable().getName() + " [" + extension.getDisplayName() + "]");
        }

        private static void watch(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                String rule) throws Throwable {
            if (context.getTarget().orElse(null) instanceof StorageVerification v) {
                watched(v, rule, invocation::proceed);
            } else {
                invocation.proceed();
            }
        }
    }

    /**
     * Runs one rule of {@code verification} under its hang detector.
     *
     * @param verification the verification
     * @param rule the rule's name, for messages
     * @param body the rule
     * @throws Throwable what the rule threw, or an {@link AssertionError} naming the wait that stalled
     */
    static void watched(StorageVerification verification, String rule, RuleWatch.Body body) throws Throwable {
        RuleWatch w = new RuleWatch(verification.provider().name() + " " + rule, verification.patience());
        verification.watch = w;
        try {
            w.run(body);
        } finally {
            verification.watch = null;
        }
    }

    // ---------------------------------------------------------------- get, put, delete

    /**
     * {@code get} returns the last value put (also an empty one), and nothing for an absent key.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_getReturnsWhatWasPut(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            assertThat(s.get(key("a"))).isEmpty();
            s.write(new WriteBatch().put(key("a"), bytes(1, 2, 3)).put(key("b"), new byte[0]));
            assertThat(s.get(key("a"))).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
            assertThat(s.get(key("b"))).hasValueSatisfying(v -> assertThat(v).isEmpty());
            s.write(new WriteBatch().put(key("a"), bytes(9)));
            assertThat(s.get(key("a"))).hasValueSatisfying(v -> assertThat(v).containsExactly(9));
            assertThat(s.get(key("c"))).isEmpty();
        }
    }

    /**
     * A delete removes its key, not a longer key it prefixes; deleting an absent key is harmless.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_deleteRemovesOnlyItsKey(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(key("a"), bytes(1)).put(key("ab"), bytes(2)).put(key("b"), bytes(3)));
            s.write(new WriteBatch().delete(key("a")).delete(key("never-written")));
            assertThat(s.get(key("a"))).isEmpty();
            assertThat(s.get(key("ab"))).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
            assertThat(s.get(key("b"))).hasValueSatisfying(v -> assertThat(v).containsExactly(3));
            assertThat(keys(s.scan(new byte[0]))).containsExactly("ab", "b");
        }
    }

    /**
     * A batch's puts and deletes of one key apply in order.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_batchOperationsApplyInOrder(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(key("x"), bytes(1)).delete(key("x"))
                    .delete(key("y")).put(key("y"), bytes(2))
                    .put(key("z"), bytes(3)).put(key("z"), bytes(4)));
            assertThat(s.get(key("x"))).isEmpty();
            assertThat(s.get(key("y"))).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
            assertThat(s.get(key("z"))).hasValueSatisfying(v -> assertThat(v).containsExactly(4));
        }
    }

    /**
     * An empty batch is accepted and changes nothing.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_emptyBatchChangesNothing(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(key("a"), bytes(1)));
            s.write(new WriteBatch());
            assertThat(keys(s.scan(new byte[0]))).containsExactly("a");
        }
    }

    /**
     * Changing a returned key or value, or a batch's input, changes nothing stored.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_returnedArraysAreCopies(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            byte[] k = key("k");
            byte[] v = bytes(1, 2);
            WriteBatch batch = new WriteBatch().put(k, v);
            k[0] = 'z';
            v[0] = 9;
            s.write(batch);
            s.get(key("k")).orElseThrow()[0] = 7;
            Storage.Entry entry = s.scan(key("k")).get(0);
            entry.key()[0] = 'q';
            entry.value()[1] = 7;
            assertThat(s.get(key("k"))).hasValueSatisfying(x -> assertThat(x).containsExactly(1, 2));
            assertThat(s.get(key("z"))).isEmpty();
            assertThat(keys(s.scan(new byte[0]))).containsExactly("k");
        }
    }

    // ---------------------------------------------------------------- order and scans

    /**
     * Scans return keys in unsigned lexicographic order ({@code 0x7F < 0x80 < 0xFF}, a prefix first).
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_keysAreOrderedAsUnsignedBytes(@TempDir Path dir) {
        List<byte[]> keys = List.of(bytes(0x80), bytes(0x7F), bytes(0xFF), bytes(0x00), bytes(0x01),
                bytes(0x80, 0x00), bytes(0x7F, 0xFF), bytes(0xFF, 0x00), bytes(0x00, 0x00), bytes(0xFE, 0xFF, 0xFF));
        try (Storage s = open(dir)) {
            WriteBatch batch = new WriteBatch();
            keys.forEach(k -> batch.put(k, k));
            s.write(batch);
            List<String> sorted = keys.stream().sorted(Arrays::compareUnsigned).map(Bytes::hex).toList();
            assertThat(hexKeys(s.scan(new byte[0]))).containsExactlyElementsOf(sorted)
                    .startsWith("00", "0000", "01", "7f", "7fff", "80", "8000", "feffff", "ff", "ff00");
            for (Storage.Entry e : s.scan(new byte[0])) {
                assertThat(e.value()).containsExactly(e.key());
            }
        }
    }

    /**
     * The empty prefix matches every key, up to the limit.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanWithEmptyPrefixReturnsEverything(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            assertThat(s.scan(new byte[0], null, 10)).isEmpty();
            s.write(new WriteBatch().put(bytes(0x00), bytes(1)).put(bytes(0xFF, 0xFF), bytes(2))
                    .put(key("m"), bytes(3)));
            assertThat(hexKeys(s.scan(new byte[0], null, 10))).containsExactly("00", Bytes.hex(key("m")), "ffff");
            assertThat(hexKeys(s.scan(new byte[0], null, 2))).containsExactly("00", Bytes.hex(key("m")));
        }
    }

    /**
     * Prefixes of {@code 0xFF} bytes (no successor prefix exists) match exactly their keys, with and without
     * {@code after}.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanWithFfPrefixes(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            WriteBatch batch = new WriteBatch();
            for (byte[] k : List.of(bytes(0xFE), bytes(0xFE, 0xFF), bytes(0xFF), bytes(0xFF, 0x00), bytes(0xFF, 0xFE),
                    bytes(0xFF, 0xFF), bytes(0xFF, 0xFF, 0x00), bytes(0xFF, 0xFF, 0xFF), bytes(0xFF, 0xFF, 0xFF, 0xFF))) {
                batch.put(k, k);
            }
            s.write(batch);
            assertThat(hexKeys(s.scan(bytes(0xFF), null, 100)))
                    .containsExactly("ff", "ff00", "fffe", "ffff", "ffff00", "ffffff", "ffffffff");
            assertThat(hexKeys(s.scan(bytes(0xFF, 0xFF), null, 100)))
                    .containsExactly("ffff", "ffff00", "ffffff", "ffffffff");
            assertThat(hexKeys(s.scan(bytes(0xFF, 0xFF, 0xFF), null, 100))).containsExactly("ffffff", "ffffffff");
            assertThat(hexKeys(s.scan(bytes(0xFF, 0xFF, 0xFF, 0xFF), null, 100))).containsExactly("ffffffff");
            assertThat(s.scan(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF), null, 100)).isEmpty();
            assertThat(hexKeys(s.scan(bytes(0xFE), null, 100))).containsExactly("fe", "feff");
            assertThat(hexKeys(s.scan(bytes(0xFF), bytes(0xFF, 0xFF), 100)))
                    .containsExactly("ffff00", "ffffff", "ffffffff");
            assertThat(s.scan(bytes(0xFF), bytes(0xFF, 0xFF, 0xFF, 0xFF), 100)).isEmpty();
            assertThat(s.scan(bytes(0x00), null, 100)).isEmpty();
        }
    }

    /**
     * Paging with {@code after} = the last key returned, at limits 1 to 100, yields exactly the full scan;
     * {@code after} need not be stored.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanPagesWithAfter(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 40; i++) {
                batch.put(bytes('p', i * 5), bytes(i));
                batch.put(bytes('o', i), bytes(i));
                batch.put(bytes('q', i), bytes(i));
            }
            batch.put(bytes('p'), bytes(0xAA));
            s.write(batch);
            List<String> all = hexKeys(s.scan(bytes('p'), null, 1000));
            assertThat(all).hasSize(41).first().isEqualTo("70");
            for (int limit : new int[] {1, 2, 3, 7, 40, 41, 100}) {
                List<String> paged = new ArrayList<>();
                byte[] after = null;
                while (true) {
                    List<Storage.Entry> page = s.scan(bytes('p'), after, limit);
                    assertThat(page.size()).isLessThanOrEqualTo(limit);
                    paged.addAll(hexKeys(page));
                    if (page.size() < limit) {
                        break;
                    }
                    after = page.get(page.size() - 1).key();
                }
                assertThat(paged).as("pages of %d", limit).containsExactlyElementsOf(all);
            }
            // `after` need not be a stored key, and the prefix itself is a key that `after == prefix` excludes
            assertThat(hexKeys(s.scan(bytes('p'), bytes('p', 6), 2))).containsExactly("700a", "700f");
            assertThat(hexKeys(s.scan(bytes('p'), bytes('p'), 1))).containsExactly("7000");
        }
    }

    /**
     * An {@code after} below the prefix starts at the prefix; one beyond it returns nothing.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanAfterOutsideThePrefix(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(bytes('a', 1), bytes(1)).put(bytes('b', 1), bytes(2))
                    .put(bytes('b', 2), bytes(3)).put(bytes('c', 1), bytes(4)));
            // an `after` below the prefix starts at the prefix; one above it ends the scan
            assertThat(hexKeys(s.scan(bytes('b'), bytes('a', 0xFF), 10))).containsExactly("6201", "6202");
            assertThat(hexKeys(s.scan(bytes('b'), bytes('a'), 10))).containsExactly("6201", "6202");
            assertThat(s.scan(bytes('b'), bytes('c'), 10)).isEmpty();
            assertThat(s.scan(bytes('b'), bytes('b', 2), 10)).isEmpty();
        }
    }

    /**
     * A limit below 1 is an {@link IllegalArgumentException}.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanRejectsANonPositiveLimit(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            assertThatThrownBy(() -> s.scan(new byte[0], null, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.scan(new byte[0], null, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * {@code scan(prefix)} reads all of 10,000 entries across pages.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_scanReadsEveryPage(@TempDir Path dir) {
        int n = 10_000;
        try (Storage s = open(dir)) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < n; i++) {
                batch.put(ByteBuffer.allocate(5).put((byte) 's').putInt(i).array(), bytes(i & 0xFF));
            }
            batch.put(bytes('t'), bytes(1));
            s.write(batch);
            List<Storage.Entry> all = s.scan(bytes('s'));
            assertThat(all).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(ByteBuffer.wrap(all.get(i).key()).getInt(1)).isEqualTo(i);
            }
        }
    }

    // ---------------------------------------------------------------- sizes

    /**
     * 1 MiB values, alone and four to a batch, read back exactly, overwritten and deleted (and after a reopen, if
     * durable).
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_valuesOfOneMebibyte(@TempDir Path dir) {
        SplittableRandom r = new SplittableRandom(1);
        Map<String, byte[]> expected = new TreeMap<>();
        try (Storage s = open(dir)) {
            for (int i = 0; i < 6; i++) {
                byte[] v = random(r, (int) MIB);
                s.write(new WriteBatch().put(key("big" + i), v));
                expected.put("big" + i, v);
            }
            WriteBatch several = new WriteBatch();
            for (int i = 6; i < 10; i++) {
                byte[] v = random(r, (int) MIB - i);
                several.put(key("big" + i), v);
                expected.put("big" + i, v);
            }
            s.write(several);
            s.write(new WriteBatch().put(key("big0"), bytes(5)).delete(key("big1")));
            expected.put("big0", bytes(5));
            expected.remove("big1");
            assertContents(s, expected);
        }
        if (durable()) {
            try (Storage s = open(dir)) {
                assertContents(s, expected);
            }
        }
    }

    /**
     * A value of {@link Storage#MAX_VALUE_LENGTH} bytes reads back exactly (and after a reopen, if durable).
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_valuesOfTheLargestLength(@TempDir Path dir) {
        byte[] largest = random(new SplittableRandom(2), Storage.MAX_VALUE_LENGTH);
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(key("largest"), largest).put(key("small"), bytes(1)));
            assertThat(Arrays.equals(s.get(key("largest")).orElseThrow(), largest)).isTrue();
        }
        if (durable()) {
            try (Storage s = open(dir)) {
                assertThat(Arrays.equals(s.get(key("largest")).orElseThrow(), largest)).isTrue();
                assertThat(s.get(key("small"))).isPresent();
            }
        }
    }

    /**
     * A million entries: all readable in order, and retained heap growth within {@link #millionKeysHeapBound()}.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_millionKeysWithinTheMemoryBound(@TempDir Path dir) {
        try (Storage s = open(dir)) {
            long before = usedHeapAfterGc();
            int perBatch = 10_000;
            for (int start = 0; start < MILLION; start += perBatch) {
                WriteBatch batch = new WriteBatch();
                for (int i = start; i < start + perBatch; i++) {
                    batch.put(millionKey(i), ByteBuffer.allocate(16).putLong(i).putLong(~i).array());
                }
                s.write(batch);
                progress("million", String.format("%,d of %,d entries written", start + perBatch, MILLION));
            }
            long grown = usedHeapAfterGc() - before;
            assertThat(grown).as("heap retained by a million entries (bound %d MiB)", millionKeysHeapBound() / MIB)
                    .isLessThanOrEqualTo(millionKeysHeapBound());
            long count = 0;
            byte[] after = null;
            byte[] previous = new byte[0];
            while (true) {
                List<Storage.Entry> page = s.scan(bytes('M'), after, 4096);
                for (Storage.Entry e : page) {
                    long i = ByteBuffer.wrap(e.value()).getLong();
                    if (Arrays.compareUnsigned(e.key(), previous) <= 0 || !Arrays.equals(e.key(), millionKey((int) i))) {
                        fail("entry " + count + " of the scan: key " + Bytes.hex(e.key()) + " after "
                                + Bytes.hex(previous) + ", value of entry " + i);
                    }
                    previous = e.key();
                    count++;
                }
                progress("million", String.format("%,d of %,d entries scanned", count, MILLION));
                if (page.size() < 4096) {
                    break;
                }
                after = page.get(page.size() - 1).key();
            }
            assertThat(count).isEqualTo(MILLION);
            SplittableRandom r = new SplittableRandom(3);
            for (int k = 0; k < 1000; k++) {
                int i = r.nextInt(MILLION);
                assertThat(ByteBuffer.wrap(s.get(millionKey(i)).orElseThrow()).getLong(8)).isEqualTo(~(long) i);
            }
        }
    }

    // ---------------------------------------------------------------- concurrency and lifecycle

    /**
     * Each batch sets eight keys to its number; readers scanning and getting meanwhile must see all eight equal and
     * never going back.
     *
     * @param dir a fresh directory
     * @throws Exception if a thread fails
     */
    @Test
    public void required_readersNeverSeeHalfABatch(@TempDir Path dir) throws Exception {
        int batches = 300;
        int readers = 3;
        byte[] prefix = bytes('R');
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
        try (Storage s = open(dir)) {
            CountDownLatch started = new CountDownLatch(readers);
            List<Future<Long>> reads = new ArrayList<>();
            for (int t = 0; t < readers; t++) {
                reads.add(pool.submit(() -> {
                    started.countDown();
                    long seen = 0;
                    long observations = 0;
                    do {
                        List<Storage.Entry> page = s.scan(prefix, null, 100);
                        long n = page.isEmpty() ? 0 : ByteBuffer.wrap(page.get(0).value()).getLong();
                        if (page.size() != 0 && page.size() != 8) {
                            problems.add("saw " + page.size() + " of a batch's 8 keys");
                        }
                        for (Storage.Entry e : page) {
                            if (ByteBuffer.wrap(e.value()).getLong() != n) {
                                problems.add("saw batches " + n + " and " + ByteBuffer.wrap(e.value()).getLong()
                                        + " in one scan");
                            }
                        }
                        if (n < seen) {
                            problems.add("went back from batch " + seen + " to " + n);
                        }
                        seen = n;
                        Optional<byte[]> one = s.get(bytes('R', 7));
                        long m = one.map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L);
                        if (m < seen) {
                            problems.add("get went back from batch " + seen + " to " + m);
                        }
                        seen = m;
                        observations++;
                    } while (writing.get());
                    return observations;
                }));
            }
            Future<?> writer = pool.submit(() -> {
                try {
                    started.await();
                    for (long n = 1; n <= batches; n++) {
                        WriteBatch batch = new WriteBatch();
                        for (int k = 0; k < 8; k++) {
                            batch.put(bytes('R', k), ByteBuffer.allocate(8).putLong(n).array());
                        }
                        s.write(batch);
                    }
                } finally {
                    writing.set(false);
                }
                return null;
            });
            writer.get();
            for (Future<Long> read : reads) {
                assertThat(read.get()).isPositive();
            }
            assertThat(problems).isEmpty();
            assertThat(ByteBuffer.wrap(s.get(bytes('R', 0)).orElseThrow()).getLong()).isEqualTo(batches);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * After {@code close}, {@code get}, {@code scan} and {@code write} throw {@link StorageException}, and the refused
     * write is not stored.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_closedStoreRefusesCalls(@TempDir Path dir) {
        Storage s = open(dir);
        s.write(new WriteBatch().put(key("before"), bytes(1)));
        s.close();
        assertThatThrownBy(() -> s.get(key("before"))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> s.scan(new byte[0], null, 1)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> s.write(new WriteBatch().put(key("after"), bytes(2))))
                .isInstanceOf(StorageException.class);
        if (durable()) {
            try (Storage again = open(dir)) {
                assertThat(keys(again.scan(new byte[0]))).containsExactly("before");
            }
        }
    }

    /**
     * A missing directory is created, or refused with a {@link StorageException} naming it.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_missingDirectoryIsCreatedOrClearlyRefused(@TempDir Path dir) {
        Path missing = dir.resolve("missing").resolve("deeper");
        Storage s;
        try {
            s = open(missing);
        } catch (StorageException e) {
            assertThat(e.getMessage()).contains("deeper");
            return;
        }
        try (s) {
            s.write(new WriteBatch().put(key("k"), bytes(1)));
            assertThat(s.get(key("k"))).isPresent();
        }
    }

    /**
     * A missing directory (two levels) is created and used; skipped unless {@link #createsMissingDirectory()}.
     *
     * @param dir a fresh directory
     */
    @Test
    public void optional_missingDirectoryIsCreated(@TempDir Path dir) {
        Assumptions.assumeTrue(createsMissingDirectory(), "the provider refuses missing directories");
        Path missing = dir.resolve("missing").resolve("deeper");
        try (Storage s = open(missing)) {
            s.write(new WriteBatch().put(key("k"), bytes(1)));
        }
        if (durable()) {
            assertThat(missing).isDirectory();
            try (Storage s = open(missing)) {
                assertThat(s.get(key("k"))).isPresent();
            }
        }
    }

    // ---------------------------------------------------------------- durability

    /**
     * Durable stores: writes and deletes survive three close-and-reopen rounds.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_durable_survivesCloseAndReopen(@TempDir Path dir) {
        assumeDurable();
        try (Storage s = open(dir)) {
            s.write(new WriteBatch().put(key("a"), bytes(1)).put(key("b"), bytes(2)).put(key("c"), bytes(3)));
            s.write(new WriteBatch().delete(key("b")).put(key("c"), bytes(4)));
        }
        List<String> expected = new ArrayList<>(List.of("a", "c"));
        for (int round = 0; round < 3; round++) {
            try (Storage s = open(dir)) {
                assertThat(keys(s.scan(new byte[0]))).containsExactlyElementsOf(expected);
                assertThat(s.get(key("c"))).hasValueSatisfying(v -> assertThat(v).containsExactly(4));
                s.write(new WriteBatch().put(key("round" + round), bytes(round)));
                expected.add("round" + round);
            }
        }
        try (Storage s = open(dir)) {
            assertThat(keys(s.scan(new byte[0]))).containsExactly("a", "c", "round0", "round1", "round2");
        }
    }

    /**
     * Durable stores: a second {@code open} of an open store in the same JVM is a {@link StorageException} naming the
     * directory, and the first handle keeps working.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_durable_secondOpenInTheSameProcessIsRefused(@TempDir Path dir) {
        assumeDurable();
        try (Storage first = open(dir)) {
            first.write(new WriteBatch().put(key("a"), bytes(1)));
            assertThatThrownBy(() -> open(dir)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.getFileName().toString());
            first.write(new WriteBatch().put(key("b"), bytes(2)));
            assertThat(keys(first.scan(new byte[0]))).containsExactly("a", "b");
        }
        try (Storage again = open(dir)) {
            assertThat(keys(again.scan(new byte[0]))).containsExactly("a", "b");
        }
    }

    /**
     * Durable stores: another process opening an open store gets a {@link StorageException} naming it, and can open the
     * store once the first one closes.
     *
     * @param dir a fresh directory
     */
    @Test
    public void required_durable_secondProcessIsRefused(@TempDir Path dir) {
        assumeDurable();
        Path store = dir.resolve("store");
        try (Storage first = open(store)) {
            first.write(new WriteBatch().put(key("a"), bytes(1)));
            assertThat(probe(store, dir)).startsWith("refused ").contains(store.getFileName().toString());
            first.write(new WriteBatch().put(key("b"), bytes(2)));
        }
        assertThat(probe(store, dir)).isEqualTo("opened");
        try (Storage again = open(store)) {
            assertThat(keys(again.scan(new byte[0]))).containsExactly("a", "b");
        }
    }

    /**
     * Running as root, permissions do not stop a process; a directory whose parent is a regular file, or that is a
     * regular file, cannot be made usable by anyone.
     *
     * @param dir a fresh directory
     * @throws IOException if the test cannot set up its files
     */
    @Test
    public void required_durable_unusableDirectoryIsRefused(@TempDir Path dir) throws IOException {
        assumeDurable();
        Path plain = dir.resolve("plain-file");
        Files.writeString(plain, "not a directory");
        assertThatThrownBy(() -> open(plain.resolve("store"))).isInstanceOf(StorageException.class)
                .hasMessageContaining("plain-file");
        assertThatThrownBy(() -> open(plain)).isInstanceOf(StorageException.class)
                .hasMessageContaining("plain-file");
        assertThat(Files.readString(plain)).isEqualTo("not a directory");
    }

    /**
     * Damages one byte (one bit, or a random mask) of the closed store's files per trial: at a random place, at a
     * byte that is not zero, or inside a stored value's bytes where they can be found; then opens and reads
     * everything. Each trial must end in a {@link StorageException} (on open, on a read, or on close) or read back
     * exactly what was written: no wrong bytes, no lost or invented entries, no other exception.
     *
     * @param seed the seed of the data and the damage
     * @param dir a fresh directory
     * @throws IOException if the test cannot copy files
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    public void required_durable_damagedBytesAreReportedNeverReturned(long seed, @TempDir Path dir)
            throws IOException {
        assumeDurable();
        SplittableRandom r = new SplittableRandom(seed);
        NavigableMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
        byte[] marker = random(r, 64);
        Path pristine = dir.resolve("pristine");
        try (Storage s = open(pristine)) {
            for (int b = 0; b < 10; b++) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 30; i++) {
                    byte[] k = Bytes.concat(bytes('C', b, i), random(r, r.nextInt(20)));
                    byte[] v = random(r, r.nextInt(10) == 0 ? 4096 + r.nextInt(30_000) : r.nextInt(300));
                    batch.put(k, v);
                    expected.put(k, v);
                }
                s.write(batch);
            }
            s.write(new WriteBatch().put(key("marker"), marker));
            expected.put(key("marker"), marker);
        }
        Map<Path, byte[]> files = readFiles(pristine);
        int trials = soak() ? 400 : 60;
        int detected = 0;
        for (int t = 0; t < trials; t++) {
            Damage damage = Damage.pick(r, files, marker, t % 4 == 0);
            Path trial = dir.resolve("trial-" + t);
            writeFiles(trial, files, damage);
            String what = "seed " + seed + " trial " + t + ": " + damage + "; replay: "
                    + replayCommand("required_durable_damagedBytesAreReportedNeverReturned", seed);
            try {
                if (readBackExactlyOrReport(trial, expected, what)) {
                    detected++;
                }
            } catch (RuntimeException e) {
                throw new AssertionError("damage must be reported as a StorageException, got " + e + " after "
                        + what, e);
            }
            deleteTree(trial);
        }
        assertThat(detected).as("trials whose damage was reported").isPositive();
    }

    /**
     * Child JVMs write numbered batches and are killed with SIGKILL at seeded random points (during start-up and
     * recovery, between batches, inside a commit). Every reopening, by the next child or by this JVM, must find
     * exactly batches 1..k: nothing torn, nothing extra, k at least the last acknowledged batch and at most one more
     * than that. The normal run makes at least 200 kills, the soak at least 1,000, spread over parallel lanes that
     * each own a store; {@value #KILLS} sets the number of kills over all seeds, {@value #KILL_SECONDS} a time
     * budget per seed instead (see the kit's README).
     *
     * @param seed the seed of the kill schedule and the batches
     * @param dir a fresh directory
     * @throws Exception if a lane fails
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    public void required_durable_killedWriterLeavesAPrefixOfBatches(long seed, @TempDir Path dir) throws Exception {
        assumeDurable();
        int lanes = 2;
        String seconds = System.getProperty(KILL_SECONDS, "").trim();
        long deadline = seconds.isEmpty() ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(seconds));
        String count = System.getProperty(KILLS, "").trim();
        int perLane = !count.isEmpty()
                ? (int) Math.max(1, -Math.floorDiv(-Long.parseLong(count), lanes * seeds().count()))
                : deadline != Long.MAX_VALUE ? Integer.MAX_VALUE
                : (int) -Math.floorDiv(-(soak() ? 1000L : 200L), lanes * seeds().count());
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                long laneSeed = seed * 31 + lane;
                Path laneDir = dir.resolve("lane-" + lane);
                runs.add(pool.submit(() -> new KillLane(laneSeed, laneDir, perLane, deadline,
                        "seed " + seed + " lane " + laneSeed + "; replay: "
                                + replayCommand("required_durable_killedWriterLeavesAPrefixOfBatches", seed)).run()));
            }
            int total = 0;
            for (Future<Integer> run : runs) {
                try {
                    total += run.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
            if (deadline == Long.MAX_VALUE) {
                assertThat(total).isEqualTo(perLane * lanes);
            } else {
                assertThat(total).isGreaterThanOrEqualTo(lanes);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The system property that sets the number of kills of the crash rule, over all its seeds and lanes. */
    static final String KILLS = "bftkit.storage.kills";
    /** The system property that gives the crash rule a time budget in seconds per seed instead of a count. */
    static final String KILL_SECONDS = "bftkit.storage.killSeconds";

    /**
     * The seeds of the randomized rules: {@code -Dbftkit.seed=N} alone, or two fixed seeds.
     *
     * @return the seeds
     */
    public static LongStream seeds() {
        String one = System.getProperty("bftkit.seed");
        return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.of(1, 2);
    }

    // ---------------------------------------------------------------- the kill lanes

    /** One store written by a succession of killed children. */
    private final class KillLane {
        private final long seed;
        private final Path store;
        private final Path log;
        private final int kills;
        private final long deadline;
        private final String replay;
        private final SplittableRandom random;
        /** No reopening may find fewer batches than this: the highest acknowledged. */
        private long acked;
        /** No reopening may find more batches than this: the highest that a child may have started. */
        private long attempted;
        /** Reopenings that found the batch a killed child may have been writing complete, or absent. */
        private int completedInFlight;
        private int rolledBack;

        KillLane(long seed, Path dir, int kills, long deadline, String replay) {
            this.seed = seed;
            this.store = dir.resolve("store");
            this.log = dir.resolve("child.err");
            this.kills = kills;
            this.deadline = deadline;
            this.replay = replay;
            this.random = new SplittableRandom(seed);
        }

        int run() throws IOException, InterruptedException {
            Files.createDirectories(store);
            long started = System.nanoTime();
            for (int kill = 0; ; kill++) {
                killOneChild(kill);
                boolean last = kill == kills - 1 || System.nanoTime() >= deadline;
                progress("lane " + seed, "lane " + seed + ": " + (kill + 1) + " of "
                        + (kills == Integer.MAX_VALUE ? "as many as the time allows" : kills) + " kills, " + acked
                        + " batches acknowledged");
                if (random.nextInt(4) == 0 || last) {
                    try (Storage s = open(store)) {
                        checkFound(CrashBatches.check(s, seed), "this JVM after kill " + kill);
                    } catch (StorageException | IllegalStateException e) {
                        throw new AssertionError("after kill " + kill + " the store is damaged: " + e + "; " + replay,
                                e);
                    }
                }
                if (last) {
                    System.out.printf("storage crash lane %d: %d kills in %d s, %d batches acknowledged; the "
                            + "unacknowledged batch a child may have been writing: %d times complete, %d "
                            + "times absent%n", seed, kill + 1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime()
                            - started), acked, completedInFlight, rolledBack);
                    return kill + 1;
                }
            }
        }

        private void killOneChild(int kill) throws IOException, InterruptedException {
            Process child = new ProcessBuilder(childCommand(childArgs("write", store, Long.toString(seed), "1000")))
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
            child.getOutputStream().close();
            String plan;
            String awaited = "nothing";
            List<String> lines = new ArrayList<>();
            try (ChildTimer timer = new ChildTimer(child);
                 BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                         StandardCharsets.UTF_8))) {
                if (random.nextInt(8) == 0) {
                    int millis = random.nextInt(700);
                    plan = "kill " + millis + " ms after start";
                    Thread.sleep(millis);
                } else {
                    int acks = random.nextInt(16);
                    long nanos = random.nextLong(3_000_000);
                    plan = "kill " + nanos / 1000 + " us after ack " + acks;
                    awaited = "its line 'open k' and " + acks + " lines 'ack n' (one after each write returns)";
                    String line;
                    int seen = -1;
                    while (seen < acks && (line = out.readLine()) != null) {
                        lines.add(line);
                        seen += line.startsWith("open ") || line.startsWith("ack ") ? 1 : 0;
                    }
                    LockSupport.parkNanos(nanos);
                }
                boolean alive = child.isAlive();
                // SIGKILL through the handle: Process.destroyForcibly would also close our end of its output
                child.toHandle().destroyForcibly();
                if (!child.waitFor(patience().toSeconds(), TimeUnit.SECONDS)) {
                    fail("a child killed with SIGKILL did not end within " + patience().toSeconds() + " s; " + replay);
                }
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
                if (timer.fired()) {
                    fail("the child JVM of kill " + kill + " (" + plan + ", store " + store + ") was waited for "
                            + patience().toSeconds() + " s (patience()) for " + awaited + "; it printed " + lines
                            + "; its standard error:\n" + Files.readString(log) + "\n" + replay);
                }
                if (!alive && child.exitValue() != 0) {
                    fail("child failed (exit " + child.exitValue() + ") at kill " + kill + ", " + plan + ": " + lines
                            + "\n" + Files.readString(log) + "\n" + replay);
                }
            }
            absorb(lines, kill, plan);
        }

        private void absorb(List<String> lines, int kill, String plan) {
            long lastAck = -1;
            for (String line : lines) {
                if (line.startsWith("open ")) {
                    long found = Long.parseLong(line.substring(5));
                    checkFound(found, "the child of kill " + kill);
                    attempted = Math.max(attempted, found + 1);
                } else if (line.startsWith("ack ")) {
                    lastAck = Long.parseLong(line.substring(4));
                    acked = Math.max(acked, lastAck);
                    attempted = Math.max(attempted, lastAck + 1);
                } else if (line.startsWith("damaged ")) {
                    fail("the child of kill " + kill + " (" + plan + ") found the store damaged: " + line + "; "
                            + replay);
                } else if (!line.equals("done")) {
                    fail("unexpected child output '" + line + "'; " + replay);
                }
            }
        }

        private void checkFound(long found, String who) {
            if (found < acked || found > attempted) {
                fail(who + " found " + found + " complete batches; acknowledged " + acked + ", started at most "
                        + attempted + "; " + replay);
            }
            if (attempted > acked) {
                if (found > acked) {
                    completedInFlight++;
                } else {
                    rolledBack++;
                }
            }
            // what this reopening found is now the floor; a batch in flight was settled either way
            acked = found;
            attempted = found;
        }
    }

    /** Kills a child JVM that has not ended within {@link #patience()}, so that reading its output ends. */
    private final class ChildTimer implements AutoCloseable {
        private final Thread thread;
        private volatile boolean fired;

        ChildTimer(Process child) {
            long millis = patience().toMillis();
            thread = new Thread(() -> {
                try {
                    Thread.sleep(millis);
                    fired = true;
                    child.destroyForcibly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "storage-child-timer");
            thread.setDaemon(true);
            thread.start();
        }

        /** {@return true if the child ran out of time and was killed} */
        boolean fired() {
            return fired;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    // ---------------------------------------------------------------- damage

    /** One damaged byte: the file, the offset and the XOR mask. */
    private record Damage(Path file, long offset, int mask, String how) {
        static Damage pick(SplittableRandom r, Map<Path, byte[]> files, byte[] marker, boolean atMarker) {
            List<Path> names = files.keySet().stream().sorted(Comparator.comparing(Path::toString)).toList();
            int mask = r.nextBoolean() ? 1 << r.nextInt(8) : 1 + r.nextInt(255);
            if (atMarker) {
                for (Path name : names) {
                    int at = indexOf(files.get(name), marker);
                    if (at >= 0) {
                        return new Damage(name, at + r.nextInt(marker.length), mask, "inside a value");
                    }
                }
            }
            boolean nonZero = r.nextInt(3) != 0;
            long total = 0;
            for (Path name : names) {
                total += count(files.get(name), nonZero);
            }
            if (total == 0) {
                nonZero = false;
                total = files.values().stream().mapToLong(b -> b.length).sum();
            }
            long pick = r.nextLong(total);
            for (Path name : names) {
                byte[] bytes = files.get(name);
                long here = count(bytes, nonZero);
                if (pick >= here) {
                    pick -= here;
                    continue;
                }
                for (int i = 0; i < bytes.length; i++) {
                    if ((!nonZero || bytes[i] != 0) && pick-- == 0) {
                        return new Damage(name, i, mask, nonZero ? "at a non-zero byte" : "anywhere");
                    }
                }
            }
            throw new IllegalStateException("no byte to damage");
        }

        private static long count(byte[] bytes, boolean nonZero) {
            if (!nonZero) {
                return bytes.length;
            }
            long n = 0;
            for (byte b : bytes) {
                n += b != 0 ? 1 : 0;
            }
            return n;
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "byte " + offset + " of " + file + " ^= 0x" + Integer.toHexString(mask) + " (" + how + ")";
        }
    }

    /** @return true if a StorageException reported the damage, false if everything read back exactly */
    private boolean readBackExactlyOrReport(Path dir, NavigableMap<byte[], byte[]> expected, String what) {
        Storage s;
        try {
            s = open(dir);
        } catch (StorageException e) {
            return true;
        }
        boolean reported = false;
        try {
            try {
                List<Storage.Entry> all = s.scan(new byte[0]);
                List<String> expectedEntries = expected.entrySet().stream()
                        .map(e -> Bytes.hex(e.getKey()) + "=" + Bytes.hex(e.getValue())).toList();
                List<String> found = all.stream().map(e -> Bytes.hex(e.key()) + "=" + Bytes.hex(e.value())).toList();
                if (!found.equals(expectedEntries)) {
                    fail("a scan returned other entries than were written, without a StorageException, after "
                            + what);
                }
            } catch (StorageException e) {
                reported = true;
            }
            for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                try {
                    Optional<byte[]> value = s.get(e.getKey());
                    if (value.isEmpty() || !Arrays.equals(value.get(), e.getValue())) {
                        fail("get(" + Bytes.hex(e.getKey()) + ") returned "
                                + value.map(v -> v.length + " wrong bytes").orElse("nothing")
                                + " without a StorageException, after " + what);
                    }
                } catch (StorageException x) {
                    reported = true;
                }
            }
        } finally {
            try {
                s.close();
            } catch (StorageException e) {
                reported = true;
            }
        }
        return reported;
    }

    private static Map<Path, byte[]> readFiles(Path dir) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void writeFiles(Path dir, Map<Path, byte[]> files, Damage damage) throws IOException {
        for (Map.Entry<Path, byte[]> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            byte[] bytes = f.getValue();
            if (f.getKey().equals(damage.file())) {
                bytes = bytes.clone();
                bytes[(int) damage.offset()] ^= (byte) damage.mask();
            }
            Files.write(target, bytes);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void assumeDurable() {
        Assumptions.assumeTrue(durable(), "the provider does not claim durability");
    }

    /** Runs the probe child against a store and returns its last line. */
    private String probe(Path store, Path logDir) {
        try {
            Path log = logDir.resolve("probe.err");
            Process child = new ProcessBuilder(childCommand(childArgs("probe", store)))
                    .redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
            child.getOutputStream().close();
            String output;
            try (ChildTimer timer = new ChildTimer(child)) {
                output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                child.waitFor();
                if (timer.fired()) {
                    fail("the probe child JVM was waited for " + patience().toSeconds() + " s (patience()) to open "
                            + store + " or be refused, and ended neither way; it printed '" + output + "'; its "
                            + "standard error:\n" + Files.readString(log));
                }
            }
            if (child.exitValue() != 0) {
                fail("the probe child failed (exit " + child.exitValue() + "): " + output + "\n"
                        + Files.readString(log));
            }
            String[] lines = output.split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The arguments of {@link StorageCrashChild} for a store in {@code directory}: the mode, the provider's name, the
     * directory and the options of {@link #config(Path)}, then {@code extra}.
     */
    private List<String> childArgs(String mode, Path directory, String... extra) {
        StorageConfig config = config(directory);
        List<String> args = new ArrayList<>(List.of(mode, provider().name(), config.directory().toString()));
        args.addAll(List.of(extra));
        new TreeMap<>(config.options()).forEach((name, value) -> args.add(StorageCrashChild.option(name, value)));
        return args;
    }

    /** The command that starts a child JVM; the kit's own tests widen its class path. */
    List<String> childCommand(List<String> args) {
        return ChildJvm.command(StorageCrashChild.class, args);
    }

    private String replayCommand(String rule, long seed) {
        return Replay.command(getClass(), rule, Map.of("bftkit.seed", Long.toString(seed)));
    }

    private static boolean soak() {
        return Boolean.getBoolean("bftkit.soak");
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static byte[] millionKey(int i) {
        // a bijection on ints, so keys arrive out of order
        return ByteBuffer.allocate(5).put((byte) 'M').putInt(i * 0x9E3779B1).array();
    }

    private static void assertContents(Storage s, Map<String, byte[]> expected) {
        assertThat(keys(s.scan(new byte[0]))).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(Arrays.equals(s.get(key(k)).orElseThrow(), v)).as(k).isTrue());
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] random(SplittableRandom r, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) r.nextInt(256);
        }
        return out;
    }

    private static List<String> keys(List<Storage.Entry> entries) {
        return entries.stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> hexKeys(List<Storage.Entry> entries) {
        return entries.stream().map(e -> Bytes.hex(e.key())).toList();
    }
}
