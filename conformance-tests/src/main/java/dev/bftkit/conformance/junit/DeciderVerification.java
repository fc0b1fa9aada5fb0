package dev.bftkit.conformance.junit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The conformance verification for a Decider plugin. Subclass it in your plugin's tests and supply the provider:
 *
 * <pre>{@code
 * class MyDeciderVerificationTest extends DeciderVerification {
 *     protected DeciderProvider provider() { return new MyDeciderProvider(); }
 * }
 * }</pre>
 *
 * Every rule of {@link DeciderChecks} runs for each committee size ({@link #committeeSizes()}) over seeds:
 * {@code -Dbftkit.seeds=N} seeds per rule and size (default {@link #defaultSeeds()}), or exactly one with
 * {@code -Dbftkit.seed=S} (with {@code -Dbftkit.n=N} for one size and {@code -Dbftkit.rule=ID} for one rule). Rules that need a capability the provider does
 * not claim are skipped. A failure prints the seed, the scenario, the plugins, and the one command that replays it.
 */
@SuppressWarnings("exports") // JUnit is `requires static`: only plugin tests, which have it, touch this class
public abstract class DeciderVerification {

    /** For subclasses. */
    protected DeciderVerification() {
    }

    /** {@return the provider under test} */
    protected abstract DeciderProvider provider();

    /** {@return the crypto suite for simulated nodes; the fast test suite by default} */
    protected Crypto crypto() {
        return Doubles.insecureCrypto();
    }

    /** {@return the Decider options every simulated node gets; none by default} */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** {@return true when the soak profile is on ({@code -Psoak}, system property {@code bftkit.soak=true})} */
    protected static boolean soak() {
        return Boolean.getBoolean("bftkit.soak");
    }

    /** {@return the committee sizes every rule runs at: 4, 7, 10 and 16, plus 31 and 64 in the soak profile} */
    protected int[] committeeSizes() {
        return soak() ? new int[] {4, 7, 10, 16, 31, 64} : new int[] {4, 7, 10, 16};
    }

    /** {@return seeds per rule and size when {@code bftkit.seeds} is not set: 3, or 100 in the soak profile} */
    protected int defaultSeeds() {
        return soak() ? 100 : 3;
    }

    /**
     * The soak: {@code bftkit.soak.runs} (default 1,000,000) seeded runs at n = 4, cycling through every rule,
     * spread over the machine's cores; stops at the first failure and prints its replay command. Runs only in the
     * soak profile.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    @EnabledIfSystemProperty(named = "bftkit.soak", matches = "true")
    public void soak_millionsOfSeededRuns() throws InterruptedException {
        DeciderChecks checks = checks();
        List<DeciderChecks.Rule> rules = allRules(checks).stream()
                .filter(r -> r.applies().test(provider().capabilities())).toList();
        long runs = Long.getLong("bftkit.soak.runs", 1_000_000L);
        AtomicLong next = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        int threads = Runtime.getRuntime().availableProcessors();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < runs && failure.get() == null; i = next.getAndIncrement()) {
                    DeciderChecks.Rule rule = rules.get((int) (i % rules.size()));
                    long seed = SeededRandom.mix(0x50a4L + i) & Long.MAX_VALUE;
                    Optional<DeciderChecks.Failure> f = checks.check(rule, 4, seed);
                    if (f.isPresent()) {
                        failure.compareAndSet(null, f.get().report() + "\n  replay: " + replayCommand(rule, 4, seed));
                    }
                    if (i % 100_000 == 0) {
                        System.out.println("soak: " + i + " of " + runs + " runs");
                    }
                }
            }, "bftkit-soak-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertNull(failure.get(), failure::get);
    }

    /** {@return ticks after healing within which every honest node must decide} */
    protected int livenessTicks() {
        return 100;
    }

    /**
     * {@return option sets that each make a node sign messages it is not entitled to (for example other leader
     * schedules), for {@code required_byzantine_misconfigured}; several give the node more chances to misbehave
     * visibly; empty (the default) skips that rule}
     */
    protected List<Map<String, String>> misconfiguredOptions() {
        return List.of();
    }

    /**
     * {@return the algorithm's own Byzantine strategies (an algorithm module ships them); each gets its
     * {@code required_adversary_…} rules and joins {@code required_swarm}; none by default}
     */
    protected List<Adversary> adversaries() {
        return List.of();
    }

    /**
     * {@return seeds per committee size for {@code required_swarm} when {@code bftkit.seeds} is not set: 25, or 1,000
     * in the soak profile (each seed is a different random mix, so the swarm gets more than the fixed rules)}
     */
    protected int swarmSeeds() {
        return soak() ? 1_000 : 25;
    }

    /**
     * {@return how many seeds {@code rule} runs at committee size {@code n} when {@code bftkit.seeds} is not set:
     * {@link #swarmSeeds()} for {@code required_swarm}, {@link #defaultSeeds()} for the others; override to give a
     * rule that finds your algorithm's rare defects more seeds}
     *
     * @param rule a rule
     * @param n a committee size
     */
    protected int seedsFor(DeciderChecks.Rule rule, int n) {
        return rule.id().equals("required_swarm") ? swarmSeeds() : defaultSeeds();
    }

    /**
     * {@return rules besides the kit's Decider rules, for a kind of Decider with more to check (a replicated log's
     * catch-up, say); none by default}
     */
    protected List<DeciderChecks.Rule> moreRules() {
        return List.of();
    }

    private List<DeciderChecks.Rule> allRules(DeciderChecks checks) {
        List<DeciderChecks.Rule> all = new ArrayList<>(checks.rules());
        all.addAll(moreRules());
        return all;
    }

    /** {@return the checks this verification runs} */
    protected final DeciderChecks checks() {
        return new DeciderChecks(provider(), crypto(), options(), livenessTicks(), misconfiguredOptions(),
                adversaries());
    }

    /** {@return one dynamic test per rule and committee size, named after the rule id} */
    @TestFactory
    public Stream<DynamicTest> rules() {
        DeciderChecks checks = checks();
        List<DynamicTest> tests = new ArrayList<>();
        String only = System.getProperty("bftkit.rule");
        for (DeciderChecks.Rule rule : allRules(checks)) {
            if (only != null && !only.isBlank() && !only.trim().equals(rule.id())) {
                continue;
            }
            for (int n : sizes()) {
                tests.add(DynamicTest.dynamicTest(rule.id() + " [n=" + n + "]", () -> run(checks, rule, n)));
            }
        }
        return tests.stream();
    }

    private int[] sizes() {
        String one = System.getProperty("bftkit.n");
        return one == null || one.isBlank() ? committeeSizes() : new int[] {Integer.parseInt(one.trim())};
    }

    private void run(DeciderChecks checks, DeciderChecks.Rule rule, int n) {
        assumeTrue(rule.applies().test(provider().capabilities()),
                () -> rule.id() + " needs a capability " + provider().name() + " does not claim");
        for (long seed : seeds(rule, n)) {
            Optional<DeciderChecks.Failure> f = checks.check(rule, n, seed);
            if (f.isPresent()) {
                throw new AssertionError(f.get().report() + "\n  plugins: decider=" + provider().name()
                        + " crypto=" + crypto().suite() + " storage=memory transport=simulated"
                        + "\n  replay: " + replayCommand(rule, n, seed));
            }
        }
    }

    private long[] seeds(DeciderChecks.Rule rule, int n) {
        String one = System.getProperty("bftkit.seed");
        if (one != null && !one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        String count = System.getProperty("bftkit.seeds");
        int k = count != null && !count.isBlank() ? Integer.parseInt(count.trim()) : seedsFor(rule, n);
        return DeciderChecks.seeds(rule.id(), n, k);
    }

    /**
     * The one command that replays a failing seed: {@code mvn -B verify -f <your test module> -Dtest=<this class>
     * -Dbftkit.rule=… -Dbftkit.n=… -Dbftkit.seed=…} (with {@code -pl <module> -am} instead of {@code -f} inside
     * bftkit's own build).
     *
     * @param rule the rule
     * @param n the committee size
     * @param seed the seed
     * @return the command
     */
    protected String replayCommand(DeciderChecks.Rule rule, int n, long seed) {
        Map<String, String> narrow = new LinkedHashMap<>();
        narrow.put("bftkit.rule", rule.id());
        narrow.put("bftkit.n", Integer.toString(n));
        narrow.put("bftkit.seed", Long.toString(seed));
        return Replay.command(getClass(), null, narrow);
    }
}
