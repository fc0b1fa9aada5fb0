package dev.bftkit.conformance.sim;

import dev.bftkit.api.BftException;
import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.Fault;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.conformance.adversary.Behaviour;
import dev.bftkit.conformance.adversary.ByzantineContext;
import dev.bftkit.conformance.adversary.Shadow;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.runtime.Driver;
import dev.bftkit.runtime.TickClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Runs n Deciders in one thread from one seed: a virtual clock (each node's own, drifting), a network model per
 * link (delay, loss, duplication, reordering, partitions that heal), crashes and restarts from Storage, and
 * Byzantine nodes. It drives Deciders only through the Decider SPI, records every delivery into a trace hash, and
 * checks the invariants: agreement, validity, integrity, valid proofs, termination (liveness mode), and that no
 * honest node appears in another's fault log. The same scenario gives the same trace hash, byte for byte.
 *
 * <p>No thread, clock or hash-order iteration: events are ordered by (virtual time, sequence number).
 */
public final class Simulator {
    /** Sees every delivery, for statistics. */
    @FunctionalInterface
    public interface DeliveryListener {
        /**
         * Called for each request or response when it is delivered; a lost message is not reported.
         *
         * @param timeMs the virtual time
         * @param from the sender's index
         * @param to the receiver's index
         * @param response true for a response, false for a request
         * @param bytes what was delivered
         */
        void delivered(long timeMs, int from, int to, boolean response, byte[] bytes);
    }

    /** Sees each honest node's decisions as they happen, with its Decider's graph at that moment. */
    @FunctionalInterface
    public interface DecisionListener {
        /**
         * Called when an honest node polls a new decision from its Decider.
         *
         * @param timeMs the virtual time
         * @param node the honest node's index
         * @param decision the new decision (a restarted node's repeat of an earlier one is not reported)
         * @param dot renders the node's Decider as Graphviz DOT ({@link GraphView#toDot()}; an empty graph for a
         *     Decider without a picture) as it is now; valid only during this call
         */
        void decided(long timeMs, int node, Decision decision, Supplier<String> dot);
    }

    private static final int PHASE = 0;
    private static final int REQUEST = 1;
    private static final int RESPONSE = 2;
    private static final int FAILED = 3;
    private static final int TIMEOUT = 4;
    private static final int CRASH = 5;
    private static final int RESTART = 6;
    private static final int COMMITTEE = 7;
    /**
     * The longest one honest Decider call may take, in wall-clock milliseconds. A call that takes longer is reported
     * as a violation: a Decider must never block its driver (this bound catches hangs and runaway work, not speed).
     */
    public static final long MAX_CALL_MS = 5_000;

    private static final class Event {
        final long time;
        final long seq;
        final int type;
        final int from;
        final int to;
        final long id;
        final int tag;
        final byte[] bytes;

        Event(long time, long seq, int type, int from, int to, long id, int tag, byte[] bytes) {
            this.time = time;
            this.seq = seq;
            this.type = type;
            this.from = from;
            this.to = to;
            this.id = id;
            this.tag = tag;
            this.bytes = bytes;
        }
    }

    /** The first honest checkpoint at each position: every later one must name the same snapshot. */
    private final Map<Long, Checkpoint> checkpoints = new HashMap<>();
    /** The first honest decision at each position, as they happen: what a node's checkpoints stand for. */
    private final TreeMap<Long, Decision> firstDecided = new TreeMap<>();
    /** The committee that signs each position, from 0, as far as {@link #committeeAt} followed the decisions. */
    private final List<Committee> signers = new ArrayList<>();

    private final class SimNode implements ByzantineContext {
        final int index;
        final Behaviour behaviour;
        final Storage storage = Doubles.memoryStorage();
        final double drift;
        final SeededRandom rng;
        final Map<Long, Integer> pending = new HashMap<>();
        final Map<String, Shadow> byzDeciders = new TreeMap<>();
        /** The decisions it handed out, by position; a checkpoint it restored stands for the positions missing. */
        final TreeMap<Long, Decision> decisions = new TreeMap<>();
        /** The next position it has not decided: its decisions and checkpoints stand for every one below. */
        long next;
        /** Whether it restored a checkpoint past its decisions, so that some positions below {@link #next} are not
         *  among {@link #decisions}. */
        boolean skipped;
        /** The checkpoints it restored, in order. */
        final List<Checkpoint> restored = new ArrayList<>();
        /** How many submitted values {@link #decisions} carry ({@link DeciderProvider#decidedValues}). */
        long values;
        final List<Fault> faultHistory = new ArrayList<>();
        Decider decider;
        /** The production driver around {@link #decider}: every input goes through it. */
        Driver driver;
        boolean up = true;
        boolean restarted;
        /** After a restart: the position the Decider must hand out again next (its earlier ones come first). */
        long redeliverNext;
        boolean crashAfterSend;
        long epoch;
        long phases; // phases run since the start, across restarts
        long decideTime = -1;
        long decideTick = -1;
        /** Whether a resource, message-size or call-time violation was reported for this node (once each). */
        boolean overBound;
        boolean oversizedMessage;
        boolean slowCall;

        SimNode(int index, Behaviour behaviour) {
            this.index = index;
            this.behaviour = behaviour;
            this.rng = new SeededRandom(SeededRandom.mix(scenario.seed() * 31 + index));
            double d = scenario.maxDriftPercent() / 100.0;
            this.drift = 1.0 + (d == 0 ? 0 : (rng.nextDouble() * 2 - 1) * d);
        }

        boolean honest() {
            return behaviour == null;
        }

        long tick() {
            return honest() && decider != null ? decider.currentTick() : phases / phasesPerTick;
        }

        @Override
        public NodeId self() {
            return ids[index];
        }

        @Override
        public SigningKey key() {
            return keys[index];
        }

        @Override
        public Committee committee() {
            return committee;
        }

        @Override
        public Crypto crypto() {
            return crypto;
        }

        @Override
        public Map<String, String> options() {
            return options;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public List<NodeId> peers() {
            List<NodeId> out = new ArrayList<>(ids.length - 1);
            for (NodeId id : ids) {
                if (!id.equals(ids[index])) {
                    out.add(id);
                }
            }
            return out;
        }

        @Override
        public int indexOf(NodeId id) {
            return committee.indexOf(id) < 0 ? -1 : indexByCommittee[committee.indexOf(id)];
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public long nextLong() {
            return rng.nextLong();
        }

        @Override
        public void send(NodeId peer, byte[] request, int tag) {
            int to = indexOf(peer);
            if (to < 0 || to == index) {
                return;
            }
            sendRequest(this, to, request, tag);
        }

        @Override
        public Shadow decider(String label, InstanceId inst) {
            return decider(label, inst, options);
        }

        @Override
        public Shadow decider(String label, InstanceId inst, Map<String, String> opts) {
            String k = label + "@" + inst;
            Shadow d = byzDeciders.get(k);
            if (d == null) {
                String value = "v:byz" + index + "-" + label;
                d = new Shadow(provider.create(new DeciderConfig(inst, committee, keys[index], crypto,
                        StoredState.EMPTY, application(value), SeededRandom.mix(scenario.seed()
                        ^ SeededRandom.seedOf(k.getBytes(StandardCharsets.UTF_8))), opts)));
                byzDeciders.put(k, d);
            }
            return d;
        }

        @Override
        public byte[] proposal(String label) {
            String value = "v:byz" + index + "-" + label;
            proposed.add(value);
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public InstanceId instance() {
            return instance;
        }
    }

    private final DeciderProvider provider;
    private final Crypto crypto;
    private final Scenario scenario;
    private final Map<String, String> options;
    private final Committee committee;
    private final NodeId[] ids;
    private final SigningKey[] keys;
    private final int[] indexByCommittee;
    private final InstanceId instance;
    private final SeededRandom net;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final SimNode[] nodes;
    private final TreeSet<String> proposed = new TreeSet<>();
    /** The values honest nodes submitted: each must be decided at most once. */
    private final Set<String> submitted = new HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private final boolean ordered;
    private int phasesPerTick = 1;
    private final TickClock clock;
    private DeliveryListener listener = (t, f, to, r, b) -> { };
    private DecisionListener decisionListener = (t, i, d, dot) -> { };
    private long seq;
    private long now;
    private long nextRequestId;
    private long trace = 0xcbf29ce484222325L;
    private long requests;
    private long responses;
    private long bytes;

    /**
     * A simulation of one scenario, ready to {@link #run()}. Node {@code i}'s key derives from {@code i} alone, so node
     * ids do not depend on the scenario's seed.
     *
     * @param provider the algorithm under test
     * @param crypto the suite every node uses
     * @param scenario the run
     * @param options Decider options passed to every node
     */
    public Simulator(DeciderProvider provider, Crypto crypto, Scenario scenario, Map<String, String> options) {
        this.provider = provider;
        this.crypto = crypto;
        this.scenario = scenario;
        this.options = Map.copyOf(options);
        this.ordered = provider.capabilities().contains(DeciderProvider.Capability.ORDERED_STREAM);
        this.clock = TickClock.of(Duration.ofMillis(scenario.tickStartMs()), scenario.tickGrowth());
        int n = scenario.nodes();
        this.ids = new NodeId[n];
        this.keys = new SigningKey[n];
        Map<NodeId, Long> weights = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] seedBytes = new byte[crypto.seedLength()];
            new SeededRandom(0x5eed0000L + i).nextBytes(seedBytes);
            keys[i] = crypto.keyFromSeed(seedBytes);
            ids[i] = keys[i].publicKey().nodeId();
            weights.put(ids[i], scenario.weights()[i]);
        }
        this.committee = Committee.of(weights);
        this.signers.add(committee);
        this.indexByCommittee = new int[n];
        for (int i = 0; i < n; i++) {
            indexByCommittee[committee.indexOf(ids[i])] = i;
        }
        this.instance = InstanceId.of("sim-" + Long.toHexString(scenario.seed()));
        this.net = new SeededRandom(SeededRandom.mix(scenario.seed() ^ 0x6e6574L));
        this.nodes = new SimNode[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = new SimNode(i, scenario.byzantine().get(i));
        }
    }

    /**
     * Sets the listener that sees every delivery, replacing the previous one (by default none).
     *
     * @param l sees every delivery
     * @return this simulator
     */
    public Simulator onDelivery(DeliveryListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Sets the listener that sees every honest node's decisions, replacing the previous one (by default none).
     *
     * @param l sees every honest node's decisions, with its graph
     * @return this simulator
     */
    public Simulator onDecision(DecisionListener l) {
        this.decisionListener = l;
        return this;
    }

    /** {@return the committee (node ids derive from fixed per-index keys)} */
    public Committee committee() {
        return committee;
    }

    /**
     * {@return node {@code index}'s id}
     *
     * @param index a node index
     */
    public NodeId nodeId(int index) {
        return ids[index];
    }

    /**
     * {@return node {@code index}'s signing key, derived from the index alone, so that a test can run the same
     * committee on real nodes}
     *
     * @param index a node index
     */
    public SigningKey key(int index) {
        return keys[index];
    }

    /** {@return the instance every node of this run decides: derived from the scenario's seed} */
    public InstanceId instance() {
        return instance;
    }

    /**
     * Runs the scenario to the end.
     *
     * @return what happened, with any broken invariant in {@link SimulationResult#violations()}
     */
    public SimulationResult run() {
        for (SimNode node : nodes) {
            if (node.honest()) {
                if (!create(node)) {
                    continue;
                }
                phasesPerTick = node.driver.phasesPerTick();
                for (int k = 0; k < scenario.values(); k++) {
                    byte[] value = ("s:" + node.index + ":" + k).getBytes(StandardCharsets.UTF_8);
                    guarded(node, "submit", () -> node.driver.submit(value));
                    proposed.add("s:" + node.index + ":" + k);
                    submitted.add("s:" + node.index + ":" + k);
                }
            }
        }
        for (SimNode node : nodes) {
            schedule(phaseDelay(node), PHASE, node.index, node.index, node.epoch, 0, null);
            if (node.honest() && node.driver != null) {
                node.driver.start();
                afterInput(node);
            }
        }
        for (CrashPlan c : scenario.crashes()) {
            schedule(c.atMs(), CRASH, c.node(), c.node(), 0, c.afterNextSend() ? 1 : 0, null);
            if (c.restartAtMs() >= 0) {
                schedule(c.restartAtMs(), RESTART, c.node(), c.node(), 0, 0, null);
            }
        }
        scheduleCommitteeChanges();
        long deadline = deadline();
        while (!queue.isEmpty()) {
            Event e = queue.peek();
            if (e.time > deadline) {
                break;
            }
            queue.poll();
            now = e.time;
            handle(e);
            if (allDone()) {
                break;
            }
        }
        return finish();
    }

    private long deadline() {
        long start = Math.max(0, scenario.healAtMs());
        double t = 0;
        int k = 0;
        while (t < start) {
            t += clock.tickMillis(k++);
        }
        double end = t;
        for (int i = 0; i < scenario.maxTicks(); i++) {
            end += clock.tickMillis(k + i);
        }
        return (long) Math.min(Long.MAX_VALUE / 4, end * (1 + scenario.maxDriftPercent() / 100.0));
    }

    /** The production clock's phase length, in virtual milliseconds, stretched by the node's drift. */
    private long phaseDelay(SimNode node) {
        double tickMs = clock.tickMillis(node.tick()) * node.drift;
        return Math.max(1, (long) (tickMs / phasesPerTick));
    }

    /**
     * Creates an honest node's Decider from its storage and the production {@link Driver} around it.
     *
     * @return false (with a violation) if it could not be created
     */
    private boolean create(SimNode node) {
        long start = System.nanoTime();
        try {
            node.decider = provider.create(new DeciderConfig(instance, committee, keys[node.index], crypto,
                    node.storage, application("v:" + node.index + ":" + Long.toHexString(scenario.seed())),
                    SeededRandom.mix(scenario.seed() + 1000L * node.index + node.epoch), options));
            node.driver = new Driver(node.decider, node.storage, clock, new Driver.Host() {
                @Override
                public void send(Outbound request) {
                    sendFrom(node, request);
                }

                @Override
                public void decided(Decision decision) {
                    recordDecision(node, decision);
                }

                @Override
                public void restored(Checkpoint checkpoint) {
                    recordCheckpoint(node, checkpoint);
                }
            });
            return true;
        } catch (RuntimeException e) {
            violations.add("reload: node " + node.index + " could not be created from what it stored itself (at "
                    + now + " ms): " + e);
            node.decider = null;
            node.driver = null;
            return false;
        } finally {
            checkCallTime(node, "create", start);
        }
    }

    /** Reports an honest Decider call that took longer than {@link #MAX_CALL_MS} (once per node). */
    private void checkCallTime(SimNode node, String call, long startNanos) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        if (ms > MAX_CALL_MS && !node.slowCall) {
            node.slowCall = true;
            violations.add("blocking: node " + node.index + "'s " + call + " call took " + ms + " ms at " + now
                    + " ms (the bound is " + MAX_CALL_MS + " ms)");
        }
    }

    /**
     * Resource invariants after every input of an honest node: what it retains stays within the bound its limits
     * state (reported once per node).
     */
    private void checkFootprint(SimNode node) {
        if (node.overBound) {
            return;
        }
        Footprint held = node.decider.footprint();
        Footprint bound = node.decider.footprintBound();
        if (!held.within(bound)) {
            node.overBound = true;
            violations.add("resources: node " + node.index + " holds " + held + " at " + now + " ms (tick "
                    + node.decider.currentTick() + "), beyond the bound its limits state: " + bound);
        }
    }

    /** Every message an honest node hands out stays within the size its limits state (reported once per node). */
    private void checkSize(SimNode node, byte[] message, String what) {
        if (!node.oversizedMessage && message.length > node.decider.maxMessageBytes()) {
            node.oversizedMessage = true;
            violations.add("resources: node " + node.index + " handed out a " + what + " of " + message.length
                    + " bytes at " + now + " ms, beyond the " + node.decider.maxMessageBytes()
                    + " its limits state (a peer would refuse it)");
        }
    }

    private Application application(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return new Application() {
            @Override
            public Optional<byte[]> propose() {
                proposed.add(value);
                return Optional.of(v.clone());
            }

            @Override
            public boolean validate(byte[] candidate) {
                return isValid(candidate);
            }
        };
    }

    private static boolean isValid(byte[] value) {
        return value.length >= 2 && value[0] == 'v' && value[1] == ':'
                || value.length >= 2 && value[0] == 's' && value[1] == ':';
    }

    /** Each committee change: at its time every honest node that is up votes for it. */
    private void scheduleCommitteeChanges() {
        List<CommitteeChange> changes = scenario.committeeChanges();
        for (int k = 0; k < changes.size(); k++) {
            Map<NodeId, Long> weights = new TreeMap<>();
            for (int i : changes.get(k).members()) {
                weights.put(ids[i], scenario.weights()[i]);
            }
            Committee target = Committee.of(weights);
            Optional<byte[]> vote = provider.committeeChange(target);
            if (vote.isEmpty()) {
                violations.add("committee: the provider offers no committee change, and the scenario has one");
                return;
            }
            for (SimNode n : nodes) {
                schedule(changes.get(k).atMs(), COMMITTEE, n.index, n.index, k, 0, vote.get());
            }
        }
    }

    /** A committee change's vote on {@code node}, if it is up. */
    private void vote(SimNode node, byte[] vote) {
        if (node.up && node.honest() && node.driver != null) {
            guarded(node, "submit", () -> node.driver.submit(vote));
            afterInput(node);
        }
    }

    /**
     * {@return the committee that signs {@code position}: the first committee, followed through the honest
     * decisions before it ({@link DeciderProvider#committeeAfter}); past a position no honest node handed out, the
     * last one known}
     */
    private Committee committeeAt(long position) {
        while (signers.size() <= position && firstDecided.containsKey((long) signers.size() - 1)) {
            Committee before = signers.get(signers.size() - 1);
            Committee after;
            try {
                after = provider.committeeAfter(before, firstDecided.get((long) signers.size() - 1));
            } catch (RuntimeException e) {
                after = before; // a decision the provider cannot read: its proof check reports it
            }
            signers.add(after);
        }
        return signers.get((int) Math.min(position, signers.size() - 1));
    }

    private void schedule(long at, int type, int from, int to, long id, int tag, byte[] b) {
        queue.add(new Event(at, seq++, type, from, to, id, tag, b));
    }

    private void handle(Event e) {
        SimNode node = nodes[e.to];
        switch (e.type) {
            case PHASE -> {
                if (!node.up || e.id != node.epoch) {
                    return;
                }
                node.phases++;
                if (node.honest()) {
                    guarded(node, "tick", () -> node.driver.phase());
                    afterInput(node);
                } else {
                    node.behaviour.onPhase(node);
                }
                schedule(now + phaseDelay(node), PHASE, node.index, node.index, node.epoch, 0, null);
            }
            case REQUEST -> deliverRequest(e, node);
            case RESPONSE -> {
                if (!node.up || node.pending.remove(e.id) == null) {
                    return;
                }
                record(e, true);
                if (node.honest()) {
                    guarded(node, "onResponse", () -> node.driver.response(ids[e.from], e.bytes));
                    afterInput(node);
                } else {
                    node.behaviour.onResponse(node, ids[e.from], e.tag, e.bytes);
                }
            }
            case FAILED, TIMEOUT -> {
                if (!node.up || node.pending.remove(e.id) == null) {
                    return;
                }
                if (node.honest()) {
                    guarded(node, "onRequestFailed", () -> node.driver.requestFailed(ids[e.from]));
                    afterInput(node);
                } else {
                    node.behaviour.onRequestFailed(node, ids[e.from], e.tag);
                }
            }
            case CRASH -> {
                if (e.tag == 1) {
                    node.crashAfterSend = node.up;
                } else {
                    crash(node);
                }
            }
            case RESTART -> restart(node);
            case COMMITTEE -> vote(node, e.bytes);
            default -> throw new IllegalStateException("unknown event " + e.type);
        }
    }

    private void deliverRequest(Event e, SimNode node) {
        if (!node.up) {
            return;
        }
        record(e, false);
        byte[] response = null;
        if (node.honest()) {
            long start = System.nanoTime();
            try {
                response = node.driver.request(ids[e.from], e.bytes);
            } catch (InvalidMessageException rejected) {
                transmit(FAILED, node.index, e.from, e.id, e.tag, new byte[0]);
            } catch (FatalConsensusException fatal) {
                violations.add("node " + node.index + " fatal at " + now + " ms: " + fatal.getMessage());
            } catch (RuntimeException bug) {
                violations.add("node " + node.index + " threw on a request at " + now + " ms: " + bug);
            }
            checkCallTime(node, "onRequest", start);
            if (response != null) {
                checkSize(node, response, "response");
            }
            afterInput(node);
        } else {
            response = node.behaviour.onRequest(node, ids[e.from], e.bytes);
        }
        if (response != null) {
            transmit(RESPONSE, node.index, e.from, e.id, e.tag, response);
            if (node.crashAfterSend) {
                crash(node); // the worst moment: right after handing something out
            }
        }
    }

    private void guarded(SimNode node, String name, Runnable call) {
        long start = System.nanoTime();
        try {
            call.run();
        } catch (InvalidMessageException rejected) {
            // bad input from a peer: the Decider rejected it, which is its job
        } catch (FatalConsensusException fatal) {
            violations.add("node " + node.index + " fatal at " + now + " ms: " + fatal.getMessage());
        } catch (BftException | IllegalArgumentException | IllegalStateException | NullPointerException
                 | IndexOutOfBoundsException | ArithmeticException | ClassCastException bug) {
            violations.add("node " + node.index + " threw at " + now + " ms: " + bug);
        } finally {
            checkCallTime(node, name, start);
        }
    }

    /** The resource invariants after each honest input (its outputs were carried out by its driver). */
    private void afterInput(SimNode node) {
        if (node.decider != null) {
            checkFootprint(node);
        }
    }

    /** An honest node's request, handed out by its driver. */
    private void sendFrom(SimNode node, Outbound o) {
        int to = node.indexOf(o.peer());
        if (to < 0 || to == node.index) {
            violations.add("node " + node.index + " asked to send to " + o.peer() + ", not another member");
            return;
        }
        checkSize(node, o.request(), "request");
        sendRequest(node, to, o.request(), 0);
    }

    private void recordDecision(SimNode node, Decision d) {
        if (node.restarted) {
            if (d.position() != node.redeliverNext && node.redeliverNext < node.next) {
                violations.add("integrity: restarted node " + node.index + " handed out position " + d.position()
                        + " before handing out again its earlier decision at position " + node.redeliverNext);
            }
            node.redeliverNext = Math.max(node.redeliverNext, d.position() + 1);
        }
        if (d.position() < node.next) {
            Decision earlier = node.decisions.get(d.position());
            if (earlier == null) {
                violations.add("integrity: node " + node.index + " handed out position " + d.position()
                        + ", which a checkpoint it restored stands for");
            } else if (!earlier.sameOutcome(d)) {
                violations.add("integrity: node " + node.index + " changed its decision at position "
                        + d.position());
            } else if (!node.restarted) {
                violations.add("integrity: node " + node.index + " decided position " + d.position() + " twice");
            }
            return;
        }
        if (d.position() != node.next) {
            violations.add("integrity: node " + node.index + " decided position " + d.position() + " when its next"
                    + " was " + node.next);
            return;
        }
        node.decisions.put(d.position(), d);
        node.next++;
        if (node.honest()) {
            firstDecided.putIfAbsent(d.position(), d);
        }
        node.values += valuesOf(d).size();
        if (node.decideTime < 0) {
            node.decideTime = now;
            node.decideTick = (node.phases + phasesPerTick - 1) / phasesPerTick; // ticks begun so far
        }
        decisionListener.decided(now, node.index, d, dotOf(node.decider));
    }

    /**
     * A node restored a snapshot: its proof must verify with the committee alone, every honest node's checkpoint at
     * one position must name the same snapshot, and it must move the node forward, or, after a restart, stand for
     * decisions it will not hand out again.
     */
    private void recordCheckpoint(SimNode node, Checkpoint c) {
        checkCheckpoint(node, c, "");
        node.restored.add(c);
        if (c.position() > node.next) {
            node.next = c.position();
            node.skipped = true;
            node.redeliverNext = node.next;
        } else if (node.restarted && node.redeliverNext <= c.position()) {
            node.redeliverNext = c.position();
        } else {
            violations.add("integrity: node " + node.index + " restored a checkpoint at position " + c.position()
                    + " behind the decisions it handed out (its next was " + node.next + ")");
        }
    }

    private void checkCheckpoint(SimNode node, Checkpoint c, String when) {
        if (!provider.verifyCheckpoint(committeeAt(c.position() - 1), crypto, c)) {
            violations.add("proof: node " + node.index + "'s checkpoint at position " + c.position() + when
                    + " does not verify with the committee alone");
        }
        Checkpoint first = checkpoints.putIfAbsent(c.position(), c);
        if (first != null && !first.sameOutcome(c)) {
            violations.add("agreement: node " + node.index + "'s checkpoint at position " + c.position() + when
                    + " names another snapshot than an honest node's before it");
        }
    }

    private static Supplier<String> dotOf(Decider decider) {
        return decider instanceof GraphView g ? g::toDot : () -> "digraph {\n}\n";
    }

    private void sendRequest(SimNode node, int to, byte[] request, int tag) {
        long id = ++nextRequestId;
        node.pending.put(id, tag);
        schedule(now + 2 * scenario.network().maxDelayMs() + 1, TIMEOUT, to, node.index, id, tag, null);
        transmit(REQUEST, node.index, to, id, tag, request);
    }

    private void transmit(int type, int from, int to, long id, int tag, byte[] b) {
        boolean healed = scenario.livenessMode() && now >= scenario.healAtMs();
        NetworkModel m = scenario.network();
        boolean lost = net.chance(m.loss());
        boolean duplicated = net.chance(m.duplication());
        long delay = m.minDelayMs() + net.nextLong(m.maxDelayMs() - m.minDelayMs() + 1);
        long delay2 = m.minDelayMs() + net.nextLong(m.maxDelayMs() - m.minDelayMs() + 1);
        if (!healed && (lost || partitioned(from, to))) {
            return;
        }
        schedule(now + delay, type, from, to, id, tag, b);
        if (duplicated && !healed) {
            schedule(now + delay2, type, from, to, id, tag, b);
        }
    }

    private boolean partitioned(int a, int b) {
        for (Partition p : scenario.partitions()) {
            if (p.active(now) && p.separates(a, b)) {
                return true;
            }
        }
        return false;
    }

    private void record(Event e, boolean response) {
        if (response) {
            responses++;
        } else {
            requests++;
        }
        bytes += e.bytes.length;
        long h = trace;
        h = (h ^ now) * 0x100000001b3L;
        h = (h ^ (e.from * 65_537L + e.to)) * 0x100000001b3L;
        h = (h ^ (response ? 1 : 2)) * 0x100000001b3L;
        for (byte x : e.bytes) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        trace = h;
        listener.delivered(now, e.from, e.to, response, e.bytes);
    }

    private void crash(SimNode node) {
        if (!node.up || !node.honest()) {
            return;
        }
        node.up = false;
        node.crashAfterSend = false;
        node.epoch++;
        node.pending.clear();
        if (node.decider != null) {
            node.faultHistory.addAll(node.decider.faults().entries());
            node.decider.close();
            node.decider = null;
            node.driver = null;
        }
    }

    private void restart(SimNode node) {
        node.crashAfterSend = false; // a crash still waiting for its moment is called off
        if (node.up || !node.honest()) {
            return;
        }
        if (!create(node)) {
            return;
        }
        node.up = true;
        node.restarted = true;
        node.redeliverNext = 0;
        schedule(now + phaseDelay(node), PHASE, node.index, node.index, node.epoch, 0, null);
        guarded(node, "start", node.driver::start);
        afterInput(node);
    }

    private boolean mustFinish(SimNode node) {
        if (!node.honest()) {
            return false;
        }
        for (CrashPlan c : scenario.crashes()) {
            if (c.node() == node.index && c.restartAtMs() < 0) {
                return false;
            }
        }
        return true;
    }

    private int expectedDecisions() {
        if (!ordered || !provider.capabilities().contains(DeciderProvider.Capability.DECIDES_SUBMITTED_VALUES)) {
            return 1;
        }
        int honestSubmitters = 0;
        for (SimNode n : nodes) {
            if (mustFinish(n)) {
                honestSubmitters++;
            }
        }
        return honestSubmitters * scenario.values();
    }

    private boolean allDone() {
        int expected = expectedDecisions();
        for (SimNode n : nodes) {
            if (mustFinish(n) && (!n.up || valuesHeld(n) < expected)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The reload invariant, at the end of every run of a Decider that restarts from storage: each honest node that is
     * up is restarted once more from its storage, whatever its peers sent it. It must come back (a node always
     * reloads what it stored itself) and hand out its decisions again, from position 0 or from a checkpoint it
     * restores.
     */
    private void reloadEveryHonestNode() {
        if (!provider.capabilities().contains(DeciderProvider.Capability.RESTART_FROM_STORAGE)) {
            return;
        }
        for (SimNode n : nodes) {
            if (!n.honest() || !n.up || n.decider == null) {
                continue;
            }
            n.faultHistory.addAll(n.decider.faults().entries());
            n.decider.close();
            n.epoch++;
            if (!create(n)) {
                n.up = false;
                continue;
            }
            Step start = n.decider.start();
            long position = 0;
            if (start.checkpoint().isPresent()) {
                Checkpoint c = start.checkpoint().get();
                checkCheckpoint(n, c, " (reloaded)");
                position = c.position();
                if (position > n.next) {
                    violations.add("reload: node " + n.index + " reloaded from its storage at the end of the run"
                            + " and restored a checkpoint at " + position + ", past its decisions (" + n.next + ")");
                }
            }
            for (Decision d : start.decisions()) {
                Decision held = n.decisions.get(position);
                if (position >= n.next || d.position() != position || held != null && !held.sameOutcome(d)) {
                    violations.add("reload: node " + n.index + " reloaded from its storage at the end of the run"
                            + " and handed out " + d.position() + ", not its earlier decision at position "
                            + position);
                    break;
                }
                position++;
            }
            if (position < n.next) {
                violations.add("reload: node " + n.index + " reloaded from its storage at the end of the run and"
                        + " handed out " + position + " of its " + n.next + " earlier decisions");
            }
        }
    }

    private SimulationResult finish() {
        reloadEveryHonestNode();
        Set<NodeId> honest = new TreeSet<>();
        for (SimNode n : nodes) {
            if (n.honest()) {
                honest.add(ids[n.index]);
            }
        }
        Map<Integer, List<Decision>> decisions = new TreeMap<>();
        Map<Integer, List<Checkpoint>> restored = new TreeMap<>();
        Map<Integer, Long> times = new TreeMap<>();
        Map<Integer, Long> ticks = new TreeMap<>();
        TreeMap<Long, Decision> reference = new TreeMap<>();
        long faultEntries = 0;
        Map<Integer, Set<Fault.Kind>> accused = new TreeMap<>();
        for (SimNode n : nodes) {
            if (!n.honest()) {
                continue;
            }
            decisions.put(n.index, List.copyOf(n.decisions.values()));
            restored.put(n.index, List.copyOf(n.restored));
            times.put(n.index, n.decideTime);
            ticks.put(n.index, n.decideTick);
            checkDecisions(n, reference);
            List<Fault> faults = new ArrayList<>(n.faultHistory);
            if (n.decider != null) {
                faults.addAll(n.decider.faults().entries());
            }
            faultEntries += faults.size();
            for (Fault f : faults) {
                accused.computeIfAbsent(n.indexOf(f.offender()), k -> java.util.EnumSet.noneOf(Fault.Kind.class))
                        .add(f.kind());
                if (honest.contains(f.offender())) {
                    violations.add("fault log: node " + n.index + " accuses honest node "
                            + n.indexOf(f.offender()) + " of " + f.kind() + " (" + f.detail() + ")");
                }
            }
            if (n.up && n.restarted && n.redeliverNext < n.next) {
                violations.add("integrity: restarted node " + n.index + " did not hand out again its earlier"
                        + " decisions (next expected position " + n.redeliverNext + " of " + n.next
                        + "): a decision polled just before a crash would be lost");
            }
        }
        for (SimNode n : nodes) {
            long values = valuesHeld(n);
            if (n.honest() && scenario.livenessMode() && mustFinish(n) && values < expectedDecisions()) {
                violations.add("termination: node " + n.index + " decided " + values + " of "
                        + expectedDecisions() + " within " + scenario.maxTicks() + " ticks after healing at "
                        + scenario.healAtMs() + " ms");
            }
        }
        for (SimNode n : nodes) {
            for (Shadow d : n.byzDeciders.values()) {
                d.decider().close();
            }
            if (n.decider != null) {
                n.decider.close();
            }
        }
        return new SimulationResult(scenario, trace, decisions, times, ticks, requests, responses, bytes, now,
                faultEntries, Map.copyOf(accused), List.copyOf(violations), restored);
    }

    /**
     * {@return the values of the positions below {@code n}'s next that it did not hand out (its checkpoints stand
     * for them), as the first honest node to decide each decided them}
     */
    private long coveredValues(SimNode n) {
        long values = 0;
        for (Decision d : firstDecided.headMap(n.next).values()) {
            if (!n.decisions.containsKey(d.position())) {
                values += valuesOf(d).size();
            }
        }
        return values;
    }

    /** {@return the values {@code n} decided, or restored a checkpoint standing for} */
    private long valuesHeld(SimNode n) {
        return n.values + (n.skipped ? coveredValues(n) : 0);
    }

    /** Agreement with the first honest node to decide each position, validity and proofs of one node's decisions. */
    private void checkDecisions(SimNode n, TreeMap<Long, Decision> reference) {
        Set<String> seen = new HashSet<>();
        for (Decision d : n.decisions.values()) {
            long p = d.position();
            Decision first = reference.putIfAbsent(p, d);
            if (first != null && !first.sameOutcome(d)) {
                violations.add("agreement: node " + n.index + " decided "
                        + text(d.value()) + " at position " + p + ", another honest node decided "
                        + text(first.value()));
            }
            for (byte[] v : valuesOf(d)) {
                String value = new String(v, StandardCharsets.UTF_8);
                if (!isValid(v) || !proposed.contains(value)) {
                    violations.add("validity: node " + n.index + " decided " + text(v)
                            + ", which nobody proposed or which fails validation");
                } else if (!seen.add(value) && submitted.contains(value)) {
                    violations.add("integrity: node " + n.index + " decided " + text(v) + " a second time, at"
                            + " position " + p);
                }
            }
            if (!provider.verifyDecision(committeeAt(p), crypto, d)) {
                violations.add("proof: node " + n.index + "'s decision at position " + p
                        + " does not verify with the committee alone");
            }
        }
    }

    /** {@return the submitted values a decision carries; none, and a violation, if the provider cannot read it} */
    private List<byte[]> valuesOf(Decision d) {
        try {
            return provider.decidedValues(d);
        } catch (RuntimeException e) {
            violations.add("validity: the provider cannot read the values of its decision at position " + d.position()
                    + ": " + e.getMessage());
            return List.of();
        }
    }

    private static String text(byte[] v) {
        String s = new String(v, StandardCharsets.UTF_8);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /**
     * Runs one scenario.
     *
     * @param provider the algorithm
     * @param crypto the suite
     * @param scenario the run
     * @return the result
     */
    public static SimulationResult run(DeciderProvider provider, Crypto crypto, Scenario scenario) {
        return new Simulator(provider, crypto, scenario, Map.of()).run();
    }
}
