package dev.bftkit.runtime;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Step;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake Decider: on every tick it asks its peer for a "ping"; it answers a request "ping" with "pong" and rejects
 * anything else; it decides after a scripted number of pongs; it records the thread of every call.
 */
final class ScriptedDecider implements Decider {
    final InstanceId instance = InstanceId.of("scripted");
    final NodeId peer;
    final int phases;
    final int pongsToDecide;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final Queue<Outbound> out = new ArrayDeque<>();
    final Queue<Decision> decisions = new ArrayDeque<>();
    int pongs;
    int submitted;
    long ticks;
    boolean failOnTick;
    boolean writeOnNextStep;
    boolean closed;

    ScriptedDecider(NodeId peer, int phases, int pongsToDecide) {
        this.peer = peer;
        this.phases = phases;
        this.pongsToDecide = pongsToDecide;
    }

    private void record(String call) {
        calls.add(call);
        threads.add(Thread.currentThread().getName());
    }

    @Override
    public InstanceId instance() {
        return instance;
    }

    /** Hands out what the queues hold, the test's own additions included. */
    private Step drain(Step.Builder step) {
        for (Outbound o = out.poll(); o != null; o = out.poll()) {
            step.send(o);
        }
        for (Decision d = decisions.poll(); d != null; d = decisions.poll()) {
            step.decide(d);
        }
        if (writeOnNextStep) {
            step.persist().put("k".getBytes(), "v".getBytes());
        }
        return step.build();
    }

    @Override
    public Step start() {
        return drain(Step.builder());
    }

    @Override
    public Step submit(byte[] payload) {
        record("submit");
        decisions.add(new Decision(instance, 100 + submitted++, payload, new byte[0]));
        return drain(Step.builder());
    }

    @Override
    public Step tick() {
        record("tick");
        ticks++;
        if (failOnTick) {
            throw new FatalConsensusException("scripted", List.of());
        }
        out.add(new Outbound(peer, "ping".getBytes()));
        return drain(Step.builder());
    }

    @Override
    public int phasesPerTick() {
        return phases;
    }

    @Override
    public Step onRequest(NodeId from, byte[] request) {
        record("request");
        Step.Builder step = Step.builder();
        if (!new String(request).equals("ping")) {
            step.reject(new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "not a ping"));
        } else {
            step.reply("pong".getBytes());
        }
        return drain(step);
    }

    @Override
    public Step onResponse(NodeId from, byte[] response) {
        record("response");
        if (new String(response).equals("pong") && ++pongs == pongsToDecide) {
            decisions.add(new Decision(instance, 0, "done".getBytes(), new byte[0]));
        }
        return drain(Step.builder());
    }

    @Override
    public Step onRequestFailed(NodeId p) {
        record("failed");
        return drain(Step.builder());
    }

    @Override
    public FaultLog faults() {
        return new FaultLog();
    }

    @Override
    public dev.bftkit.api.spi.Footprint footprint() {
        return dev.bftkit.api.spi.Footprint.NONE;
    }

    @Override
    public dev.bftkit.api.spi.Footprint footprintBound() {
        return dev.bftkit.api.spi.Footprint.NONE;
    }

    @Override
    public long maxMessageBytes() {
        return 1 << 20;
    }

    @Override
    public long currentTick() {
        return ticks / phases;
    }

    @Override
    public void close() {
        record("close");
        closed = true;
    }
}
