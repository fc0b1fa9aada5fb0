package dev.bftkit.runtime;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
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

    @Override
    public void submit(byte[] payload) {
        record("submit");
        decisions.add(new Decision(instance, 100 + submitted++, payload, new byte[0]));
    }

    @Override
    public void tick() {
        record("tick");
        ticks++;
        if (failOnTick) {
            throw new FatalConsensusException("scripted", List.of());
        }
        out.add(new Outbound(peer, "ping".getBytes()));
    }

    @Override
    public int phasesPerTick() {
        return phases;
    }

    @Override
    public Optional<Outbound> nextGossip() {
        return Optional.ofNullable(out.poll());
    }

    @Override
    public byte[] onRequest(NodeId from, byte[] request) {
        record("request");
        if (!new String(request).equals("ping")) {
            throw new InvalidMessageException(InvalidMessageException.Reason.MALFORMED, "not a ping");
        }
        return "pong".getBytes();
    }

    @Override
    public void onResponse(NodeId from, byte[] response) {
        record("response");
        if (new String(response).equals("pong") && ++pongs == pongsToDecide) {
            decisions.add(new Decision(instance, 0, "done".getBytes(), new byte[0]));
        }
    }

    @Override
    public void onRequestFailed(NodeId p) {
        record("failed");
    }

    @Override
    public Optional<Decision> poll() {
        return Optional.ofNullable(decisions.poll());
    }

    @Override
    public FaultLog faults() {
        return new FaultLog();
    }

    @Override
    public String toDot() {
        return "digraph {}";
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
