package dev.bftkit.conformance.junit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A hang detector for one rule: every call into the plugin under test and every wait on a child JVM is an
 * activity with a description; {@link #run} runs the rule on its own thread and fails it, naming the activity and
 * showing where its thread stands, as soon as one activity has gone on for longer than the patience. A rule still
 * running prints its progress notes every {@value #PROGRESS_SECONDS} s, so a long rule is never silent.
 */
final class RuleWatch {
    static final int PROGRESS_SECONDS = 10;

    /** Something the rule waits for. */
    record Activity(String what, Thread thread, long startNanos, Runnable onStall) {
    }

    private final String rule;
    private final Duration patience;
    private final Set<Activity> open = ConcurrentHashMap.newKeySet();
    private final Map<String, String> progress = new ConcurrentSkipListMap<>();

    /**
     * @param rule the rule's name, for messages
     * @param patience the longest any one activity may last
     */
    RuleWatch(String rule, Duration patience) {
        this.rule = rule;
        this.patience = patience;
    }

    /**
     * Starts an activity of the current thread.
     *
     * @param what what the rule waits for
     * @param onStall run when it stalls, to unblock the thread (for example to kill a child JVM)
     * @return the activity, for {@link #end}
     */
    Activity begin(String what, Runnable onStall) {
        Activity a = new Activity(what, Thread.currentThread(), System.nanoTime(), onStall);
        open.add(a);
        return a;
    }

    /** @param activity an activity that has ended */
    void end(Activity activity) {
        open.remove(activity);
    }

    /**
     * @param what what the call is
     * @param call the call
     * @param <T> its result
     * @return its result
     */
    <T> T during(String what, Supplier<T> call) {
        Activity a = begin(what, () -> { });
        try {
            return call.get();
        } finally {
            end(a);
        }
    }

    /**
     * Sets a progress note, printed while the rule runs long.
     *
     * @param key which part of the rule (notes print in key order)
     * @param note where it stands
     */
    void progress(String key, String note) {
        progress.put(key, note);
    }

    /** A rule's body. */
    interface Body {
        /** @throws Throwable whatever the rule throws */
        void run() throws Throwable;
    }

    /**
     * Runs the rule on its own thread and returns when it ends, throwing what it threw.
     *
     * @param body the rule
     * @throws Throwable what the rule threw, or an {@link AssertionError} naming the activity that stalled
     */
    void run(Body body) throws Throwable {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }, "bftkit-rule " + rule);
        worker.setDaemon(true);
        worker.start();
        long started = System.nanoTime();
        long nextProgress = started + TimeUnit.SECONDS.toNanos(PROGRESS_SECONDS);
        while (true) {
            try {
                done.get(100, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                throw e.getCause();
            } catch (InterruptedException e) {
                worker.interrupt();
                throw e;
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                Optional<Activity> stalled = stalled(now);
                if (stalled.isPresent()) {
                    stalled.get().onStall().run();
                    AssertionError failure = new AssertionError(stallMessage(stalled.get(), now));
                    worker.interrupt();
                    throw failure;
                }
                if (now >= nextProgress) {
                    System.out.println(progressLine(now - started));
                    nextProgress += TimeUnit.SECONDS.toNanos(PROGRESS_SECONDS);
                }
            }
        }
    }

    /** {@return the oldest activity that has gone on longer than the patience, if any} */
    Optional<Activity> stalled(long now) {
        return open.stream().filter(a -> now - a.startNanos() > patience.toNanos())
                .min(Comparator.comparingLong(Activity::startNanos));
    }

    String stallMessage(Activity a, long now) {
        String stack = Arrays.stream(a.thread().getStackTrace()).limit(25).map(f -> "\n    at " + f)
                .collect(Collectors.joining());
        return rule + ": waited " + TimeUnit.NANOSECONDS.toSeconds(now - a.startNanos()) + " s for " + a.what()
                + ", longer than patience() (" + patience.toSeconds() + " s); "
                + (progress.isEmpty() ? "" : "progress: " + String.join("; ", progress.values()) + "; ")
                + "thread " + a.thread().getName() + " waits at:" + stack;
    }

    String progressLine(long elapsedNanos) {
        Optional<Activity> oldest = open.stream().min(Comparator.comparingLong(Activity::startNanos));
        return rule + ": running for " + TimeUnit.NANOSECONDS.toSeconds(elapsedNanos) + " s"
                + (progress.isEmpty() ? "" : "; " + String.join("; ", progress.values()))
                + oldest.map(a -> "; waiting for " + a.what()).orElse("");
    }
}
