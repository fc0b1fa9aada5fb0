package dev.bftkit.log;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A replicated log over any Decider: wrap a Decider plugin in it and the Deciders it makes decide an ordered,
 * certified sequence of {@link LogEntry entries}, each a batch of submitted values.
 *
 * <pre>{@code
 * DeciderProvider log = new LogDeciderProvider(Plugins.decider("streamlette"));
 * }</pre>
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Segments.</b> The log runs the inner Decider in segments: a one-shot Decider (Streamlette) decides one
 *       entry per instance; an ordered-stream Decider (PARSEC, in its single-vote mode) decides up to
 *       {@code log.segmentEntries} entries per instance, after which the log starts a fresh instance, so no graph
 *       grows without end. A segment's instance id is the hash of the log's id, the segment number and the hash of
 *       the entry before the segment: its signatures count nowhere else, and an honest member joins it only once
 *       it committed that entry.</li>
 *   <li><b>Batching.</b> A submitted value is durable on the node that took it from that input's step on. A one-shot
 *       Decider proposes the oldest pending values as one batch whenever the node leads (or, with none pending, what
 *       {@link dev.bftkit.api.spi.Application#propose()} gives); an ordered-stream Decider
 *       gets up to {@value LogDecider#MAX_BATCHES_IN_FLIGHT} batches of them per segment, made each tick. A batch
 *       holds at most {@code log.maxBatchValues} values and {@code log.maxBatchBytes} bytes.</li>
 *   <li><b>At most once.</b> Every value carries a client id and a request id (a node's own values: its node id and
 *       a counter it keeps durable). An entry marks each value {@link LogValue#fresh() fresh} or a repeat, from the
 *       entries before it ({@link ClientTable}); applications apply fresh values only.</li>
 *   <li><b>Certificates.</b> Each member signs a commit vote for every entry it commits (the log, the height, the
 *       entry's hash, which covers the hash of the entry before it) and sends it in the headers of its next messages.
 *       Commit votes from more than a third of the weight make a certificate: at least one signer is honest, and
 *       honest members commit only what their inner Decider decided. A log decision is an entry with its
 *       certificate, handed out once certified, in height order; {@link #verifyDecision} checks it with the
 *       committee alone.</li>
 *   <li><b>Catch-up.</b> A node that learns from a peer's header that the peer certified entries it lacks asks that
 *       peer for them (at most {@code log.maxFetchEntries} and {@code log.maxFetchBytes} per response) and commits
 *       each one whose certificate verifies and which extends its own head; anything else is refused and recorded
 *       as the peer's fault. A lying peer can make it accept nothing.</li>
 *   <li><b>Snapshots.</b> The log applies each committed entry to the application's {@link StateMachine} (see
 *       {@link #withStateMachine}); after every {@code log.checkpointEntries} entries it takes a snapshot of the
 *       state machine and of its own state, and the commit votes for that entry cover the snapshot's digest, so its
 *       certificate proves the snapshot too. Once certified, the snapshot is stable: entries more than
 *       {@code log.retainEntries} below it are deleted, and so is the snapshot before it. A node asked for entries
 *       it no longer holds sends its stable snapshot instead, in chunks; the asker checks the certificate, then the
 *       bytes against the digest, restores it, hands out a {@link Checkpoint} and goes on from there.</li>
 *   <li><b>Storage.</b> A segment's inner Decider keeps its state under the segment's own key prefix; the log
 *       deletes it two segments later: the segment before the current one keeps running, since peers still in it
 *       may not finish it without us. Entries, the stable snapshot and at most the snapshots taken since it are
 *       stored: a node's disk holds about {@code log.retainEntries} plus the uncertified entries, and two
 *       snapshots.</li>
 * </ul>
 *
 * <p>Options: {@code log.*} (see the limits below) for the log, every other option for the inner Decider.
 * {@code log.clientRequests=true} makes {@link Decider#submit} take a batch of client values (encoded with
 * {@link #clientRequests}) instead of one raw value. Limits: {@code log.maxValueBytes} (64 KiB),
 * {@code log.maxBatchValues} (8,192), {@code log.maxBatchBytes} (512 KiB), {@code log.maxPendingValues} (65,536),
 * {@code log.maxPendingBytes} (64 MiB), {@code log.segmentEntries} (64), {@code log.maxFetchEntries} (64),
 * {@code log.maxFetchBytes} (8 MiB), {@code log.maxClients} (65,536).
 */
public final class LogDeciderProvider implements DeciderProvider {
    private final DeciderProvider inner;
    private final Map<String, String> innerDefaults;
    private final StateMachine.Factory machines;

    /**
     * A log over {@code inner}.
     *
     * @param inner the algorithm that decides each entry: one-shot, or an ordered stream that decides every
     *     submitted value
     * @throws IllegalArgumentException if {@code inner} is neither
     */
    public LogDeciderProvider(DeciderProvider inner) {
        this(inner, Map.of());
    }

    /**
     * A log over {@code inner}, whose Deciders get {@code innerDefaults} unless a node's own options set them: for
     * example {@code parsec.mode=single} for PARSEC, so that each member's batches (its own votes) are decided.
     *
     * @param inner the algorithm that decides each entry
     * @param innerDefaults options for the inner Decider; a node's options override them
     * @throws IllegalArgumentException if {@code inner} is neither one-shot nor an ordered stream of every value
     */
    public LogDeciderProvider(DeciderProvider inner, Map<String, String> innerDefaults) {
        this(inner, innerDefaults, self -> StateMachine.none());
    }

    private LogDeciderProvider(DeciderProvider inner, Map<String, String> innerDefaults,
                               StateMachine.Factory machines) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.innerDefaults = Map.copyOf(innerDefaults);
        this.machines = Objects.requireNonNull(machines, "machines");
        Set<Capability> c = inner.capabilities();
        if (!c.contains(Capability.ONE_SHOT) && !(c.contains(Capability.ORDERED_STREAM)
                && c.contains(Capability.DECIDES_SUBMITTED_VALUES))) {
            throw new IllegalArgumentException(inner.name() + " is neither one-shot nor an ordered stream that decides"
                    + " every submitted value");
        }
    }

    /**
     * {@return this log, whose Deciders apply every committed entry to a state machine from {@code machines} and take
     * its snapshots (without one, snapshots hold the log's own state only)}
     *
     * @param machines makes each member's state machine, in its initial state, each time the log starts on it
     */
    public LogDeciderProvider withStateMachine(StateMachine.Factory machines) {
        return new LogDeciderProvider(inner, innerDefaults, machines);
    }

    static boolean oneShot(DeciderProvider inner) {
        return inner.capabilities().contains(Capability.ONE_SHOT);
    }

    /** {@return {@code log-} and the inner algorithm's name} */
    @Override
    public String name() {
        return "log-" + inner.name();
    }

    /**
     * {@return an ordered stream that decides every submitted value and prunes below certified snapshots; restarts
     * and weights as the inner one}
     */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.ORDERED_STREAM, Capability.DECIDES_SUBMITTED_VALUES,
                Capability.CHECKPOINTS, Capability.COMMITTEE_CHANGES);
        for (Capability k : List.of(Capability.RESTART_FROM_STORAGE, Capability.WEIGHTED_COMMITTEE)) {
            if (inner.capabilities().contains(k)) {
                c.add(k);
            }
        }
        return c;
    }

    @Override
    public Decider create(DeciderConfig config) {
        Map<String, String> options = new HashMap<>(innerDefaults);
        options.putAll(config.options());
        return new LogDecider(inner, new DeciderConfig(config.instance(), config.committee(), config.key(),
                config.crypto(), config.stored(), config.application(), config.seed(), options), machines);
    }

    /**
     * {@inheritDoc} The decision's value must be an entry of that height, and its proof commit votes for the entry's
     * hash from members with more than a third of the weight.
     */
    @Override
    public boolean verifyDecision(Committee committee, Crypto crypto, Decision decision) {
        try {
            LogEntry.of(decision);
        } catch (InvalidMessageException e) {
            return false;
        }
        return Certificates.verify(committee, crypto, id -> crypto.decodePublicKey(id.bytes()), decision.instance(),
                decision.position(), crypto.hash(decision.value()), decision.proof());
    }

    /**
     * {@inheritDoc} Its proof must be the hash of the entry before its position and that entry's certificate, which
     * must carry the checkpoint's digest.
     */
    @Override
    public boolean verifyCheckpoint(Committee committee, Crypto crypto, Checkpoint checkpoint) {
        try {
            Decoder d = new Decoder(checkpoint.proof());
            byte[] entryHash = d.bytes(LogEntry.MAX_HASH);
            byte[] certificate = d.bytes(Integer.MAX_VALUE);
            d.finish();
            byte[] digest = Certificates.digest(certificate);
            return digest.length > 0 && Arrays.equals(digest, checkpoint.digest()) && Certificates.verify(committee,
                    crypto, id -> crypto.decodePublicKey(id.bytes()), checkpoint.instance(), checkpoint.position() - 1,
                    entryHash, certificate);
        } catch (InvalidMessageException e) {
            return false;
        }
    }

    /**
     * {@inheritDoc} A member that submits these bytes signs a vote for {@code next} in the current epoch (see
     * {@link ReplicatedLog#changeCommittee}); raw submissions that begin as these do are read as such votes.
     */
    @Override
    public Optional<byte[]> committeeChange(Committee next) {
        return Optional.of(Membership.changeRequest(next));
    }

    /** {@inheritDoc} The entry before a change names the committee that takes over ({@link LogEntry#nextCommittee}). */
    @Override
    public Committee committeeAfter(Committee signedBy, Decision decision) {
        return LogEntry.of(decision).nextCommittee().orElse(signedBy);
    }

    /** {@return the payloads of the entry's fresh values} */
    @Override
    public List<byte[]> decidedValues(Decision decision) {
        return LogEntry.of(decision).freshPayloads();
    }

    /**
     * {@return what {@link Decider#submit} takes under {@code log.clientRequests=true}: client values, each with its
     * client and request id}
     *
     * @param values the values (their fresh marks are ignored)
     */
    public static byte[] clientRequests(List<LogValue> values) {
        return Batch.encode(values);
    }
}
