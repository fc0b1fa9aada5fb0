package dev.bftkit.log;

import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.Step;

/**
 * The inner Decider of a segment whose committee this node is not in: it takes part in nothing, counts ticks, and
 * refuses requests. The log follows such segments by fetching their certified entries.
 */
final class Observer implements Decider {
    private final InstanceId instance;
    private final FaultLog faults = new FaultLog();
    private long tick;

    Observer(InstanceId instance) {
        this.instance = instance;
    }

    @Override
    public InstanceId instance() {
        return instance;
    }

    @Override
    public Step start() {
        return Step.NONE;
    }

    @Override
    public Step submit(byte[] payload) {
        return Step.NONE;
    }

    @Override
    public Step tick() {
        tick++;
        return Step.NONE;
    }

    @Override
    public Step onRequest(NodeId from, byte[] request) {
        return Step.builder().reject(new InvalidMessageException(InvalidMessageException.Reason.NOT_MEMBER,
                "this node is not in the segment's committee")).build();
    }

    @Override
    public Step onResponse(NodeId from, byte[] response) {
        return Step.NONE;
    }

    @Override
    public FaultLog faults() {
        return faults;
    }

    @Override
    public long currentTick() {
        return tick;
    }

    @Override
    public Footprint footprint() {
        return new Footprint(0, 0);
    }

    @Override
    public Footprint footprintBound() {
        return new Footprint(0, 0);
    }

    @Override
    public long maxMessageBytes() {
        return 0;
    }
}
