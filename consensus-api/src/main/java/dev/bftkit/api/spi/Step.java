package dev.bftkit.api.spi;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Decision;
import dev.bftkit.api.Fault;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.Outbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one input to a {@link Decider} produced, for its driver to carry out in this order: make {@link #persist()}
 * durable; then send {@link #send()} and answer with {@link #reply()}; then publish {@link #checkpoint()}, if any, and
 * {@link #decisions()}, then {@link #memberChanges()}. Nothing in a
 * step may leave the node before its writes are durable, so a Decider never hands out what a crash could make it
 * forget (and sign differently after a restart).
 *
 * <p>A step is a value: the Decider builds it and forgets it; the driver owns it.
 *
 * @param persist what to write, atomically, before anything else; empty when nothing changed on disk
 * @param send the requests to send, in order
 * @param reply the response to the request that was the input ({@link Decider#onRequest}); empty for other inputs
 *     and for a refused request
 * @param decisions new decisions, in position order
 * @param faults misbehaviour this input proved, as also recorded in {@link Decider#faults()}
 * @param rejected why the input (a peer's bytes) was refused; whatever the Decider took from it before refusing is
 *     in the rest of the step
 * @param checkpoint the snapshot the Decider restored its state from in this step, if it did: it stands for every
 *     position below its own, and this step's decisions (and later ones) follow it
 * @param memberChanges members added, removed or excluded by what this input decided, in order
 */
public record Step(WriteBatch persist, List<Outbound> send, Optional<byte[]> reply, List<Decision> decisions,
                   List<Fault> faults, Optional<InvalidMessageException> rejected, Optional<Checkpoint> checkpoint,
                   List<MemberChange> memberChanges) {

    /**
     * The most requests one step should carry: a Decider with more to send keeps the rest for its next step. A
     * driver sends no more than this from one step.
     */
    public static final int MAX_SEND = 4096;

    /** A step that does nothing. */
    public static final Step NONE = new Step(new WriteBatch(), List.of(), Optional.empty(), List.of(), List.of(),
            Optional.empty(), Optional.empty(), List.of());

    /**
     * Validates and copies the lists.
     *
     * @param persist what to write; not null
     * @param send the requests; no nulls
     * @param reply the response, if the input was a request that was answered
     * @param decisions new decisions; no nulls
     * @param faults proven misbehaviour; no nulls
     * @param rejected why the input was refused, if it was
     * @param checkpoint the snapshot restored, if one was
     * @param memberChanges member changes decided; no nulls
     */
    public Step {
        Objects.requireNonNull(persist, "persist");
        send = List.copyOf(send);
        Objects.requireNonNull(reply, "reply");
        decisions = List.copyOf(decisions);
        faults = List.copyOf(faults);
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(checkpoint, "checkpoint");
        memberChanges = List.copyOf(memberChanges);
    }

    /**
     * A step that restores no snapshot.
     *
     * @param persist what to write; not null
     * @param send the requests; no nulls
     * @param reply the response, if the input was a request that was answered
     * @param decisions new decisions; no nulls
     * @param faults proven misbehaviour; no nulls
     * @param rejected why the input was refused, if it was
     */
    public Step(WriteBatch persist, List<Outbound> send, Optional<byte[]> reply, List<Decision> decisions,
                List<Fault> faults, Optional<InvalidMessageException> rejected) {
        this(persist, send, reply, decisions, faults, rejected, Optional.empty(), List.of());
    }

    /** {@return a builder for the step of one input} */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects one input's outputs; not thread-safe (a Decider is single-threaded). */
    public static final class Builder {
        private final WriteBatch persist = new WriteBatch();
        private final List<Outbound> send = new ArrayList<>();
        private final List<Decision> decisions = new ArrayList<>();
        private final List<Fault> faults = new ArrayList<>();
        private byte[] reply;
        private InvalidMessageException rejected;
        private Checkpoint checkpoint;
        private final List<MemberChange> memberChanges = new ArrayList<>();

        private Builder() {
        }

        /**
         * {@return the batch to persist; add puts and deletes to it}
         */
        public WriteBatch persist() {
            return persist;
        }

        /**
         * Adds every put and delete of {@code batch}, in order, to the batch to persist.
         *
         * @param batch writes to make durable with this step
         * @return this builder
         */
        public Builder persist(WriteBatch batch) {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put p) {
                    persist.put(p.key(), p.value());
                } else if (op instanceof WriteBatch.Delete d) {
                    persist.delete(d.key());
                }
            }
            return this;
        }

        /**
         * Adds a request to send.
         *
         * @param request the peer and the bytes
         * @return this builder
         */
        public Builder send(Outbound request) {
            send.add(Objects.requireNonNull(request, "request"));
            return this;
        }

        /**
         * Adds a new decision (in position order).
         *
         * @param decision the decision
         * @return this builder
         */
        public Builder decide(Decision decision) {
            decisions.add(Objects.requireNonNull(decision, "decision"));
            return this;
        }

        /**
         * Adds proven misbehaviour.
         *
         * @param fault the fault
         * @return this builder
         */
        public Builder fault(Fault fault) {
            faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /**
         * Sets the response to the input request.
         *
         * @param response the bytes
         * @return this builder
         */
        public Builder reply(byte[] response) {
            this.reply = Objects.requireNonNull(response, "response");
            return this;
        }

        /**
         * Records that the input was refused.
         *
         * @param why the reason
         * @return this builder
         */
        public Builder reject(InvalidMessageException why) {
            this.rejected = Objects.requireNonNull(why, "why");
            return this;
        }

        /**
         * Records that the Decider restored its state from a snapshot; the decisions added so far must be below its
         * position, and are dropped (the snapshot stands for them).
         *
         * @param restored the snapshot's checkpoint
         * @return this builder
         */
        public Builder checkpoint(Checkpoint restored) {
            this.checkpoint = Objects.requireNonNull(restored, "restored");
            decisions.removeIf(d -> d.position() < restored.position());
            return this;
        }

        /**
         * Adds a member change this input decided.
         *
         * @param change the change
         * @return this builder
         */
        public Builder memberChange(MemberChange change) {
            memberChanges.add(Objects.requireNonNull(change, "change"));
            return this;
        }

        /** {@return the step} */
        public Step build() {
            return new Step(persist, send, Optional.ofNullable(reply), decisions, faults, Optional.ofNullable(rejected),
                    Optional.ofNullable(checkpoint), memberChanges);
        }
    }
}
