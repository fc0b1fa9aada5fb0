package dev.bftkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one driver of the Decider contract: the order of outputs, the bound, refusals and the clock. */
class DriverTest {
    private static final NodeId PEER = NodeId.of(new byte[32]);
    private static final TickClock CLOCK = new TickClock(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(3));

    private final ScriptedDecider decider = new ScriptedDecider(PEER, 2, 1);
    private final List<String> host = new ArrayList<>();
    private final ListStorage storage = new ListStorage() {
        @Override
        public synchronized void write(WriteBatch batch) {
            super.write(batch);
            host.add("persist " + batch.size());
        }
    };
    /** Records what the driver hands out, in order. */
    private final Driver.Host recording = new Driver.Host() {
        @Override
        public void send(Outbound request) {
            host.add("send " + new String(request.request()));
        }

        @Override
        public void decided(Decision decision) {
            host.add("decided " + decision.position());
        }

        @Override
        public void outboundCapped(int max) {
            host.add("capped " + max);
        }
    };
    private final Driver driver = new Driver(decider, storage, CLOCK, recording);

    private Decision decision(long position) {
        return new Decision(decider.instance, position, new byte[] {1}, new byte[0]);
    }

    @Test
    void aStepIsPersistedThenSentThenPublished() {
        decider.decisions.add(decision(0));
        decider.writeOnNextStep = true;
        driver.phase();
        assertThat(host).containsExactly("persist 1", "send ping", "decided 0");
    }

    @Test
    void oneInputSendsAtMostTheBound() {
        for (int i = 0; i < Driver.MAX_OUTBOUND_PER_INPUT + 10; i++) {
            decider.out.add(new Outbound(PEER, "x".getBytes()));
        }
        driver.start();
        assertThat(host).hasSize(Driver.MAX_OUTBOUND_PER_INPUT + 1).endsWith("capped " + Driver.MAX_OUTBOUND_PER_INPUT);
        host.clear();
        driver.phase();
        assertThat(host).containsExactly("send ping");
    }

    @Test
    void aRefusedInputStillHandsOutTheRestOfItsStep() {
        decider.decisions.add(decision(0));
        decider.writeOnNextStep = true;
        assertThatThrownBy(() -> driver.request(PEER, "junk".getBytes())).isInstanceOf(InvalidMessageException.class);
        assertThat(host).containsExactly("persist 1", "decided 0");
        assertThat(driver.request(PEER, "ping".getBytes())).asString().isEqualTo("pong");
    }

    @Test
    void aFailedWriteHandsOutNothingOfItsStepOrAnyLaterOne() {
        decider.decisions.add(decision(0));
        decider.writeOnNextStep = true;
        storage.failNextWrite = true;
        assertThatThrownBy(driver::phase).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> driver.request(PEER, "ping".getBytes())).isInstanceOf(StorageException.class);
        assertThatThrownBy(driver::phase).isInstanceOf(StorageException.class);
        assertThat(host).isEmpty();
        assertThat(storage.written).isEmpty();
    }

    @Test
    void handingOutWhileAnEarlierWriteIsNotYetDurableTripsTheAssertion() {
        // a store that feeds the driver a second input while it writes the first step's batch: the second step's
        // request would leave the node before the first step is durable
        Driver[] driven = new Driver[1];
        ListStorage reentrant = new ListStorage() {
            private boolean inside;

            @Override
            public synchronized void write(WriteBatch batch) {
                super.write(batch);
                if (!inside) {
                    inside = true;
                    driven[0].phase();
                }
            }
        };
        decider.writeOnNextStep = true;
        driven[0] = new Driver(decider, reentrant, CLOCK, recording);
        assertThatThrownBy(driven[0]::phase).isInstanceOf(AssertionError.class)
                .hasMessage("a request would leave the node while a step's write is not yet durable");
        assertThat(host).isEmpty();
    }

    @Test
    void afterAFatalErrorNothingMoreIsHandedOut() {
        decider.decisions.add(decision(0));
        decider.failOnTick = true;
        assertThatThrownBy(driver::phase).isInstanceOf(FatalConsensusException.class);
        assertThat(host).isEmpty();
    }

    @Test
    void theClockFollowsTheDecidersTickAndItsCap() {
        assertThat(driver.phaseNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(driver.nextPhase()).isZero();
        driver.phase();
        assertThat(driver.nextPhase()).isEqualTo(1);
        driver.phase();
        assertThat(driver.tick()).isEqualTo(1);
        assertThat(driver.nextPhase()).isZero();
        assertThat(driver.phaseNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        decider.ticks = 2 * 10; // the Decider caught up with its committee: tick 10, capped at 3 s
        assertThat(driver.phaseNanos()).isEqualTo(Duration.ofMillis(1500).toNanos());
        assertThat(driver.tickMillis()).isEqualTo(3000.0);
    }
}
