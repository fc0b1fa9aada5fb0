package dev.bftkit.runtime;

import dev.bftkit.api.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;

/**
 * Replays a node's decisions, in order, to every subscriber from the first retained one, honouring demand. All
 * state is touched on the node's thread only; {@code subscribe}, {@code request} and {@code cancel} hop onto it, so
 * signals to one subscriber are never concurrent (Reactive Streams §1.3).
 */
final class DecisionPublisher implements Flow.Publisher<Decision> {
    private final Executor nodeThread;
    private final Decision[] ring;
    private long published; // decisions published so far
    private final List<Sub> subs = new ArrayList<>();
    private boolean done;
    private Throwable error;

    DecisionPublisher(Executor nodeThread, int retain) {
        this.nodeThread = nodeThread;
        this.ring = new Decision[retain];
    }

    /** On the node thread: appends a decision and delivers it where there is demand. */
    void publish(Decision d) {
        ring[(int) (published % ring.length)] = d;
        published++;
        for (Sub s : List.copyOf(subs)) {
            s.drain();
        }
    }

    /** On the node thread: no more decisions; {@code failure} null for normal completion. */
    void finish(Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        error = failure;
        for (Sub s : List.copyOf(subs)) {
            s.drain();
        }
    }

    private long oldestRetained() {
        return Math.max(0, published - ring.length);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Decision> subscriber) {
        if (subscriber == null) {
            throw new NullPointerException("subscriber"); // Reactive Streams §1.9
        }
        Sub sub = new Sub(subscriber);
        try {
            nodeThread.execute(() -> {
                subs.add(sub);
                subscriber.onSubscribe(sub);
                sub.drain();
            });
        } catch (RejectedExecutionException closed) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("node is closed"));
        }
    }

    private final class Sub implements Flow.Subscription {
        private final Flow.Subscriber<? super Decision> subscriber;
        private long next; // index of the next decision to deliver
        private long demand;
        private boolean ended;

        Sub(Flow.Subscriber<? super Decision> subscriber) {
            this.subscriber = subscriber;
            this.next = oldestRetained();
        }

        @Override
        public void request(long n) {
            onNodeThread(() -> {
                if (ended) {
                    return;
                }
                if (n <= 0) {
                    end(new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)"));
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                drain();
            });
        }

        @Override
        public void cancel() {
            onNodeThread(() -> {
                ended = true;
                subs.remove(this);
            });
        }

        void drain() {
            if (ended) {
                return;
            }
            if (next < oldestRetained()) {
                end(new IllegalStateException("subscriber fell more than " + ring.length
                        + " decisions behind; the oldest were dropped"));
                return;
            }
            while (demand > 0 && next < published && !ended) {
                Decision d = ring[(int) (next % ring.length)];
                next++;
                demand--;
                subscriber.onNext(d);
            }
            if (done && next >= published && !ended) {
                end(error);
            }
        }

        private void end(Throwable failure) {
            ended = true;
            subs.remove(this);
            if (failure == null) {
                subscriber.onComplete();
            } else {
                subscriber.onError(failure);
            }
        }

        private void onNodeThread(Runnable r) {
            try {
                nodeThread.execute(r);
            } catch (RejectedExecutionException closed) {
                // the node is closed and every subscriber has already been completed
            }
        }
    }
}
