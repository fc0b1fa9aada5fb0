package dev.bftkit.parsec;

import dev.bftkit.api.Committee;
import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.Decision;
import dev.bftkit.api.Fault;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StoredState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import dev.bftkit.parsec.GraphState.ObservationInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code parsec} Decider: PARSEC over bftkit's SPIs. The committee is the genesis group (every member a voter;
 * weights must be equal), {@link #submit} votes for a payload, each step hands out newly decided payloads as an
 * ordered stream with the voters' signed votes as proof, and every event it creates is in the writes of the step that
 * first gossips it, or of an earlier one, so it is durable before any gossip can carry it. A node restarted from storage replays its graph and hands out its decisions again from
 * position 0, so a decision polled just before a crash is never lost; consumers skip positions they applied.
 * Malice detection is always on; a decided accusation removes the offender.
 *
 * <p>What any one creator can make this node hold is bounded by the honest progress the node has seen
 * ({@link Admission}): with n members, f = ⌊(n − 1)/3⌋ and M the (f + 1)-th longest chain in the graph (at least
 * one of the f + 1 longest is an honest member's), no creator but us gets an event above index
 * N = 2(M + 1) + 256 into the graph, the first two events of a creator at one index are taken as they come, and a
 * further one only when an event of another, non-forking creator in the same message builds on it (at most 2(N + 1)
 * per carrier and creator). So each other creator has at most 2n(N + 1) events here (N + 1 if it never forked), and
 * {@link #footprintBound()} is our own events (and their bytes) plus (n − 1)·2n(N + 1) events of at most
 * {@code parsec.maxEventBytes} each (never more than the {@code parsec.maxGraphEvents} cap allows), plus the fault
 * log's bounds, plus the accusations awaiting events we lack ({@value MaliceDetector#MAX_AWAITED_PER_ACCUSER} for
 * each other member, so one accuser cannot crowd out another's).
 *
 * <p>Options ({@link DeciderConfig#options}): {@code parsec.mode} = {@code supermajority} (default) or
 * {@code single}; {@code parsec.maxEventsPerMessage} (default 65536); {@code parsec.maxEventBytes} (default
 * 1 MiB); {@code parsec.maxGraphEvents} (default 4194304: the graph is never pruned, so an instance refuses to grow
 * beyond this). Its graph as Graphviz DOT comes from {@link #toDot()}; tools write it (the CLI's
 * {@code simulate --dump}), the Decider writes no file.
 */
final class ParsecDecider implements Decider, GraphView {
    static final String MODE = "parsec.mode";
    static final String MAX_EVENTS_PER_MESSAGE = "parsec.maxEventsPerMessage";
    static final String MAX_EVENT_BYTES = "parsec.maxEventBytes";
    static final String MAX_GRAPH_EVENTS = "parsec.maxGraphEvents";
    static final Set<String> OPTIONS = Set.of(MODE, MAX_EVENTS_PER_MESSAGE, MAX_EVENT_BYTES, MAX_GRAPH_EVENTS);

    private static final byte EVENTS = 'E';
    private static final byte SETUP = 'S';

    private final InstanceId instance;
    private final Crypto crypto;
    private final SigningKey key;
    private final NodeId self;
    private final Committee committee;
    private final boolean single;
    private final WireCodec.Limits limits;
    private final long maxGraphEvents;
    private final StoredState stored;
    private final byte[] prefix;
    private final FaultLog faults = new FaultLog();
    private final Set<NodeId> loggedSenders = new java.util.HashSet<>();
    /** Which peer to gossip to ({@link ParsecCore#gossipRecipient}): seeded, so a seed replays a run. */
    private final SeededRandom random;
    private final Map<NodeId, PublicKey> keys = new HashMap<>();
    private final ArrayDeque<Decision> ready = new ArrayDeque<>();
    /** Decided additions, removals and exclusions of members, not yet handed out. */
    private final ArrayDeque<MemberChange> changes = new ArrayDeque<>();
    private final ParsecCore core;
    /** Events below this index are in an earlier step's writes. */
    private int persisted;
    /** The setup record, until a step carries it. */
    private byte[] unwrittenSetup;
    private int faultsHandedOut;
    private long positions;
    private long tick;
    private boolean gossipDue;

    ParsecDecider(DeciderConfig config, Mutations mutations) {
        this.instance = config.instance();
        this.crypto = config.crypto();
        this.key = config.key();
        this.self = config.self();
        this.committee = config.committee();
        this.single = parseMode(config);
        this.limits = new WireCodec.Limits(intOption(config, MAX_EVENTS_PER_MESSAGE, 65536),
                intOption(config, MAX_EVENT_BYTES, 1 << 20), crypto.hashLength());
        this.maxGraphEvents = config.longOption(MAX_GRAPH_EVENTS, 1L << 22);
        this.stored = config.stored();
        this.prefix = new Encoder().bytes("parsec".getBytes(StandardCharsets.US_ASCII)).bytes(instance.bytes())
                .toByteArray();
        this.random = new SeededRandom(config.seed());
        checkCommittee(committee);
        Map<NodeId, String> names = new HashMap<>();
        for (int i = 0; i < committee.size(); i++) {
            names.put(committee.member(i), "P" + i);
        }
        ParsecCore.Listener listener = new ParsecCore.Listener() {
            @Override
            public void decided(int eventIndex, List<ObservationKey> keys, List<Block> blocks) {
                for (Block b : blocks) {
                    if (b.payload() instanceof Observation.Opaque o) {
                        ready.add(new Decision(instance, positions++, o.payload(), WireCodec.encodeProof(
                                b.key().isSingle(), b.proofs())));
                    }
                }
                for (ObservationKey key : keys) {
                    memberChange(core.observations.get(key));
                }
            }
        };
        List<Storage.Entry> events = stored.scan(key(EVENTS));
        ParsecCore.EventSealer sealer = new Sealer();
        ParsecCore.ObservationHasher hasher = o -> crypto.hash(WireCodec.encodeObservation(o));
        GraphState.SignatureCheck check = this::verify;
        java.util.function.Function<NodeId, String> namer = id -> names.getOrDefault(id, "X" + id.toHex());
        checkSetup(events.isEmpty());
        core = ParsecCore.forGenesis(self, committee.members(), single, sealer, hasher, check, namer, listener);
        core.malice = new MaliceDetector(core.state, faults::add, this::decodeCarried);
        core.mutations = mutations;
        core.admission = new Admission(core.peers, committee.size(), mutations);
        if (events.isEmpty()) {
            core.addOwnInitialAndGenesis(new byte[0]);
        } else {
            restore(events);
        }
        gossipDue = core.hasUnconsensusedObservations();
    }

    // ----------------------------------------------------------------------------------------- configuration

    private static boolean parseMode(DeciderConfig config) {
        for (String name : config.options().keySet()) {
            if (name.startsWith("parsec.") && !OPTIONS.contains(name)) {
                throw new ConfigurationException("unknown option " + name + "; known: " + new java.util.TreeSet<>(OPTIONS));
            }
        }
        String mode = config.option(MODE).orElse("supermajority").trim();
        if (mode.equals("supermajority")) {
            return false;
        } else if (mode.equals("single")) {
            return true;
        }
        throw new ConfigurationException(MODE + " must be supermajority or single, got '" + mode + "'");
    }

    private static int intOption(DeciderConfig config, String name, int fallback) {
        long v;
        try {
            v = config.longOption(name, fallback);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new ConfigurationException(name + " must be between 1 and " + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    static void checkCommittee(Committee committee) {
        long w = committee.weight(committee.member(0));
        for (NodeId id : committee.members()) {
            if (committee.weight(id) != w) {
                throw new ConfigurationException("PARSEC counts voters, not weights: every committee member needs "
                        + "the same weight (" + id + " has " + committee.weight(id) + ", not " + w + ")");
            }
        }
    }

    /** The mode and committee are part of the stored state: a restart with another setup is refused. */
    private void checkSetup(boolean fresh) {
        Encoder e = new Encoder().bool(single).bytes(crypto.suite().getBytes(StandardCharsets.UTF_8))
                .i32(committee.size());
        for (NodeId id : committee.members()) {
            e.bytes(id.bytes());
        }
        byte[] setup = e.toByteArray();
        Optional<byte[]> earlier = stored.get(key(SETUP));
        if (earlier.isPresent() && !Arrays.equals(earlier.get(), setup)) {
            throw new ConfigurationException("the stored PARSEC instance " + instance
                    + " was created with another mode, suite or committee");
        }
        if (earlier.isEmpty()) {
            if (!fresh) {
                throw new InvalidMessageException(Reason.MALFORMED, "stored PARSEC events without their setup record");
            }
            unwrittenSetup = setup;
        }
    }

    // ----------------------------------------------------------------------------------------- storage

    private byte[] key(byte kind) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 1);
        k[prefix.length] = kind;
        return k;
    }

    private byte[] eventKey(int index) {
        return new Encoder(prefix.length + 5).raw(prefix).u8(EVENTS).i32(index).toByteArray();
    }

    /** Queues the member change a decided observation makes, if it makes one (accusations make no block). */
    private void memberChange(ObservationInfo info) {
        Observation o = info == null ? null : info.observation;
        if (o instanceof Observation.Add a) {
            changes.add(new MemberChange(instance, a.peer(), MemberChange.Kind.ADDED));
        } else if (o instanceof Observation.Remove r) {
            changes.add(new MemberChange(instance, r.peer(), MemberChange.Kind.REMOVED));
        } else if (o instanceof Observation.Accusation a) {
            changes.add(new MemberChange(instance, a.offender(), MemberChange.Kind.EXCLUDED));
        }
    }

    /**
     * This input's step: the decisions reached so far, then at most one gossip request (due after a vote, a tick with
     * observations not yet decided, or an adversary's signing), then every event inserted since the last step (the
     * gossip's new event included) and the setup record as its writes, and the faults recorded since the last step.
     */
    private Step step(Step.Builder out) {
        for (Decision d = ready.poll(); d != null; d = ready.poll()) {
            out.decide(d);
        }
        for (MemberChange c = changes.poll(); c != null; c = changes.poll()) {
            out.memberChange(c);
        }
        Outbound gossip = gossip();
        if (unwrittenSetup != null) {
            out.persist().put(key(SETUP), unwrittenSetup);
            unwrittenSetup = null;
        }
        for (int i = persisted; i < core.graph.size(); i++) {
            out.persist().put(eventKey(i), core.graph.get(i).wire);
        }
        persisted = core.graph.size();
        if (gossip != null) {
            out.send(gossip);
        }
        if (faults.size() > faultsHandedOut) {
            faults.entries().subList(faultsHandedOut, faults.size()).forEach(out::fault);
            faultsHandedOut = faults.size();
        }
        return out.build();
    }

    private void restore(List<Storage.Entry> stored) {
        for (int i = 0; i < stored.size(); i++) {
            Storage.Entry entry = stored.get(i);
            if (!Arrays.equals(entry.key(), eventKey(i))) {
                throw new InvalidMessageException(Reason.MALFORMED, "stored PARSEC events are not contiguous at " + i);
            }
            try {
                core.restore(WireCodec.decodeEvent(entry.value(), limits, crypto::hash));
            } catch (ParsecError e) {
                throw new InvalidMessageException(Reason.MALFORMED, "stored event " + i + " does not replay: "
                        + e.getMessage(), e);
            }
        }
        persisted = stored.size();
        core.malice.forgetVotedAccusations();
    }

    /** Decodes the bytes of a rejected event that an accusation carries; null if they are no event. */
    private Incoming decodeCarried(byte[] wire) {
        try {
            return WireCodec.decodeEvent(wire, limits, crypto::hash);
        } catch (InvalidMessageException e) {
            return null;
        }
    }

    // ----------------------------------------------------------------------------------------- crypto

    /**
     * A member's key is decoded once and kept; a stranger's (an event may name any creator, refused only after its
     * signature check) is decoded each time and never kept, so a peer cannot grow the map.
     */
    private PublicKey publicKey(NodeId id) {
        if (!committee.contains(id)) {
            return crypto.decodePublicKey(id.bytes()).orElse(null);
        }
        return keys.computeIfAbsent(id, k -> crypto.decodePublicKey(k.bytes()).orElse(null));
    }

    /** @return how many decoded keys this Decider keeps (at most one per member) */
    int keptKeys() {
        return keys.size();
    }

    private boolean verify(Incoming in) {
        PublicKey pk = publicKey(in.creator());
        if (pk == null || !crypto.verify(pk, WireCodec.eventSigningBytes(instance, in.hash()), in.signature())) {
            return false;
        }
        if (in.observation() == null) {
            return true;
        }
        byte[] obsHash = crypto.hash(WireCodec.encodeObservation(in.observation()));
        return crypto.verify(pk, WireCodec.voteSigningBytes(instance, obsHash), in.voteSignature());
    }

    private final class Sealer implements ParsecCore.EventSealer {
        @Override
        public ParsecCore.Sealed seal(ParsecCore.Content content) {
            byte[] bytes = WireCodec.encodeContent(content);
            byte[] hash = crypto.hash(bytes);
            byte[] signature = key.sign(WireCodec.eventSigningBytes(instance, hash));
            return new ParsecCore.Sealed(hash, signature, WireCodec.encodeEvent(bytes, signature));
        }

        @Override
        public byte[] signVote(byte[] observationHash) {
            return key.sign(WireCodec.voteSigningBytes(instance, observationHash));
        }
    }

    // ----------------------------------------------------------------------------------------- adversaries

    /** @return the core, for the kit's adversaries ({@link Adversaries}), which run this Decider as their shadow */
    ParsecCore core() {
        return core;
    }

    /**
     * {@return a step with what an adversary added to the core: its writes and a gossip request that carries it}
     */
    Step signed() {
        gossipDue = true;
        return step(Step.builder());
    }

    // ----------------------------------------------------------------------------------------- Decider

    @Override
    public InstanceId instance() {
        return instance;
    }

    /**
     * Votes for the payload. A payload we already voted for is not voted again (PARSEC's DuplicateVote).
     *
     * @throws IllegalArgumentException if the payload is larger than an event may be
     * @throws IllegalStateException if we were removed from the committee
     */
    @Override
    public Step start() {
        return step(Step.builder());
    }

    @Override
    public Step submit(byte[] payload) {
        if (payload.length > limits.maxEventBytes() - 1024) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the event limit");
        }
        if (core.graph.size() >= maxGraphEvents) {
            throw new IllegalStateException("the gossip graph holds " + maxGraphEvents + " events, its limit");
        }
        Observation.Opaque vote = new Observation.Opaque(payload);
        try {
            if (!core.haveVotedFor(vote)) {
                core.voteFor(vote);
            }
        } catch (ParsecError e) {
            throw new IllegalStateException("cannot vote: " + e.getMessage(), e);
        }
        gossipDue = true;
        return step(Step.builder());
    }

    @Override
    public Step tick() {
        tick++;
        checkFaultAssumption();
        if (core.hasUnconsensusedObservations()) {
            gossipDue = true;
        }
        return step(Step.builder());
    }

    /** The gossip request that is due, if any: to a random recipient, carrying the events it lacks. */
    private Outbound gossip() {
        if (!gossipDue) {
            return null;
        }
        gossipDue = false;
        if (core.graph.size() >= maxGraphEvents) {
            return null;
        }
        NodeId peer = core.gossipRecipient(random);
        if (peer == null || core.gossipSize(peer) + 1 > limits.maxEventsPerMessage()) {
            return null;
        }
        List<Event> events;
        try {
            events = core.gossipTo(peer);
        } catch (ParsecError e) {
            throw new IllegalStateException("cannot gossip to " + peer + ": " + e.getMessage(), e);
        }
        return new Outbound(peer, encode(WireCodec.KIND_REQUEST, events));
    }

    private byte[] encode(int kind, List<Event> events) {
        List<byte[]> wires = new ArrayList<>(events.size());
        for (Event e : events) {
            wires.add(e.wire);
        }
        return WireCodec.encodeMessage(kind, instance, wires);
    }

    /**
     * Absorbs a peer's gossip and answers with the events it lacks. Events absorbed before an invalid one stay (and
     * are in the step's writes); the step's rejection says what was wrong with a request that is malformed, from a
     * non-member, or invalid.
     */
    @Override
    public Step onRequest(NodeId from, byte[] request) {
        Step.Builder out = Step.builder();
        try {
            out.reply(answer(from, request));
        } catch (InvalidMessageException e) {
            out.reject(e);
        }
        return step(out);
    }

    private byte[] answer(NodeId from, byte[] request) {
        List<Incoming> events = receive(from, request, WireCodec.KIND_REQUEST);
        List<Event> response;
        try {
            response = core.handleRequest(from, events);
        } catch (ParsecError e) {
            throw rejected(from, e, request);
        }
        if (response.size() > limits.maxEventsPerMessage()) {
            throw new InvalidMessageException(Reason.TOO_LARGE, "the answer would hold " + response.size()
                    + " events, more than " + limits.maxEventsPerMessage());
        }
        return encode(WireCodec.KIND_RESPONSE, response);
    }

    @Override
    public Step onResponse(NodeId from, byte[] response) {
        Step.Builder out = Step.builder();
        try {
            List<Incoming> events = receive(from, response, WireCodec.KIND_RESPONSE);
            core.handleResponse(from, events);
        } catch (ParsecError e) {
            out.reject(rejected(from, e, response));
        } catch (InvalidMessageException e) {
            out.reject(e);
        }
        return step(out);
    }

    private List<Incoming> receive(NodeId from, byte[] message, int kind) {
        if (!committee.contains(from)) {
            throw new InvalidMessageException(Reason.NOT_MEMBER, "gossip from " + from + ", not a committee member");
        }
        List<byte[]> wires;
        try {
            wires = WireCodec.decodeMessage(message, kind, instance, limits);
        } catch (InvalidMessageException e) {
            throw malformed(from, e, "sent a malformed " + (kind == WireCodec.KIND_REQUEST ? "request" : "response"),
                    message);
        }
        if (core.graph.size() + wires.size() + 8 > maxGraphEvents) {
            throw new InvalidMessageException(Reason.TOO_LARGE, "the gossip graph would exceed its limit of "
                    + maxGraphEvents + " events");
        }
        List<Incoming> events = new ArrayList<>(wires.size());
        for (byte[] w : wires) {
            try {
                events.add(WireCodec.decodeEvent(w, limits, crypto::hash));
            } catch (InvalidMessageException e) {
                throw malformed(from, e, "relayed a malformed event", w);
            }
        }
        return events;
    }

    /**
     * Records that an authenticated peer sent bytes no honest node sends (an honest node encodes within the same
     * limits, for this instance only).
     */
    private InvalidMessageException malformed(NodeId from, InvalidMessageException e, String what, byte[] bytes) {
        logOnce(new Fault(from, Fault.Kind.MALFORMED, what + ": " + e.getMessage(), List.of(bytes)));
        return e;
    }

    /**
     * Logs a fault about a sender's bytes (not a signed event: those are the malice detector's) once per sender,
     * so a peer that keeps sending bad messages cannot fill memory with evidence.
     */
    private void logOnce(Fault fault) {
        if (loggedSenders.add(fault.offender())) {
            faults.add(fault);
        }
    }

    private InvalidMessageException rejected(NodeId from, ParsecError e, byte[] message) {
        Reason reason;
        switch (e.kind()) {
            case UNKNOWN_PEER:
                reason = Reason.NOT_MEMBER;
                break;
            case UNKNOWN_SELF_PARENT:
            case UNKNOWN_OTHER_PARENT:
                reason = Reason.UNKNOWN_REFERENCE;
                break;
            case SIGNATURE_FAILURE:
                reason = Reason.BAD_SIGNATURE;
                logOnce(new Fault(from, Fault.Kind.FORGED_SIGNATURE, "relayed an event whose signature does not "
                        + "verify", List.of(message)));
                break;
            case INVALID_PEER_STATE:
            case INVALID_SELF_STATE:
                reason = Reason.NOT_ALLOWED;
                break;
            case PREMATURE_GOSSIP:
            case OVER_LIMIT:
                reason = Reason.TOO_EARLY;
                break;
            case INVALID_EVENT:
            case UNCARRIED_FORK:
                reason = Reason.CONFLICT;
                break;
            default:
                reason = Reason.MALFORMED;
                break;
        }
        return new InvalidMessageException(reason, e.getMessage(), e);
    }

    /** More than a third of the committee proven faulty breaks PARSEC's assumption. */
    private void checkFaultAssumption() {
        Set<NodeId> offenders = faults.offenders();
        if (committee.weightOf(offenders) > committee.maxFaultyWeight()) {
            throw new FatalConsensusException(offenders.size() + " of " + committee.size()
                    + " members proved faulty, more than PARSEC tolerates", faults.entries());
        }
    }

    @Override
    public FaultLog faults() {
        return faults;
    }

    @Override
    public String toDot() {
        return DotWriter.write(core);
    }

    @Override
    public long currentTick() {
        return tick;
    }

    @Override
    public Footprint footprint() {
        return new Footprint(core.graph.size(), core.graph.bytes())
                .plus(new Footprint(faults.size(), faults.bytes())).plus(core.malice.awaited());
    }

    /**
     * Our own events, plus (n − 1) · 2n(N + 1) events of the other creators ({@link Admission#perCreator}), each of at
     * most {@code parsec.maxEventBytes}, and no more than the graph cap ({@code parsec.maxGraphEvents}, which one
     * message may pass by at most {@code parsec.maxEventsPerMessage}); plus the fault log's bounds; plus the
     * accusations awaiting events we lack: at most {@value MaliceDetector#MAX_AWAITED_PER_ACCUSER} entries for each
     * other member, each a hash and an event index ({@link MaliceDetector#awaitedBound}).
     */
    @Override
    public Footprint footprintBound() {
        long others = times(core.admission.perCreator(), committee.size() - 1L);
        long cap = maxGraphEvents + limits.maxEventsPerMessage();
        long events = Math.min(cap, core.graph.ownEvents() + others);
        long bytes = Math.min(times(cap, limits.maxEventBytes()),
                core.graph.ownBytes() + times(others, limits.maxEventBytes()));
        return new Footprint(events, bytes).plus(new Footprint(faults.maxEntries(committee.size()),
                faults.maxBytes(committee.size()))).plus(MaliceDetector.awaitedBound(committee.size(),
                crypto.hashLength()));
    }

    /** a × b for non-negative a and b, or a quarter of {@code Long.MAX_VALUE} if larger (sums stay positive). */
    private static long times(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long p = a * b;
        return hi != 0 || p < 0 || p > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : p;
    }

    @Override
    public long maxMessageBytes() {
        return WireCodec.maxMessageBytes(limits, instance);
    }
}
