package dev.bftkit.transport.vertx;

import static dev.bftkit.transport.vertx.HandshakeBudget.Verdict.ALLOWED;
import static dev.bftkit.transport.vertx.HandshakeBudget.Verdict.SHARED_SPENT;
import static dev.bftkit.transport.vertx.HandshakeBudget.Verdict.SOURCE_SPENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The verifications callers that have not proven a key can make a node spend, with time given by the test: one
 * address gets its burst and then 16 a second; any number of addresses together get the shared burst and then 64 a
 * second, however many of their buckets are forgotten on the way; a proven address is held to its own bucket only,
 * which no number of other addresses can make forgotten.
 */
class HandshakeBudgetTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final int PEERS = 4;
    private final HandshakeBudget budget = new HandshakeBudget(PEERS, 16);

    @Test
    void oneAddressGetsItsBurstThenSixteenASecond() {
        assertThat(allowed("10.0.0.1", false, 1000, 0)).isEqualTo(HandshakeBudget.MIN_BURST);
        assertThat(budget.take("10.0.0.1", false, 0)).isEqualTo(SOURCE_SPENT);
        assertThat(allowed("10.0.0.1", false, 1000, SECOND)).isEqualTo((int) HandshakeBudget.PER_SECOND);
    }

    @Test
    void manyAddressesTogetherGetTheSharedBurstHoweverManyAreForgotten() {
        int addresses = 3 * HandshakeBudget.MAX_SOURCES; // each bucket forgotten before its address comes back
        int allowed = 0;
        for (int round = 0; round < 3; round++) {
            for (int a = 0; a < addresses; a++) {
                allowed += budget.take("10.1." + a, false, 0) == ALLOWED ? 1 : 0;
            }
        }
        assertThat(allowed).as("verifications for %d addresses, 3 tries each, at one instant", addresses)
                .isEqualTo(HandshakeBudget.MIN_SHARED_BURST);
        assertThat(budget.take("10.2.0.1", false, 0)).isEqualTo(SHARED_SPENT);
        int later = 0;
        for (int a = 0; a < addresses; a++) {
            later += budget.take("10.3." + a, false, SECOND) == ALLOWED ? 1 : 0;
        }
        assertThat(later).as("a second later").isEqualTo((int) HandshakeBudget.SHARED_PER_SECOND);
    }

    @Test
    void aProvenAddressKeepsItsOwnBucketWhateverOtherAddressesDo() {
        for (int a = 0; a < 2 * HandshakeBudget.MAX_SOURCES; a++) {
            budget.take("10.1." + a, false, 0); // the shared burst spent, and every bucket of theirs churned
        }
        assertThat(allowed("127.0.0.1", true, 1000, 0)).as("a proven address with the shared burst spent")
                .isEqualTo(HandshakeBudget.MIN_BURST);
        for (int a = 0; a < 2 * HandshakeBudget.MAX_SOURCES; a++) {
            budget.take("10.4." + a, false, 0);
        }
        assertThat(budget.take("127.0.0.1", true, 0)).as("after many other addresses came and went")
                .isEqualTo(SOURCE_SPENT);
    }

    @Test
    void aLargerCommitteeGetsLargerBursts() {
        HandshakeBudget large = new HandshakeBudget(100, 200);
        int allowed = 0;
        for (int k = 0; k < 1000; k++) {
            allowed += large.take("10.0.0.1", false, 0) == ALLOWED ? 1 : 0;
        }
        assertThat(allowed).as("one address, 100 peers").isEqualTo(200);
        for (int a = 0; a < 1000; a++) {
            allowed += large.take("10.5." + a, false, 0) == ALLOWED ? 1 : 0;
        }
        assertThat(allowed).as("all addresses, 100 peers").isEqualTo(400);
    }

    private int allowed(String source, boolean proven, int tries, long nowNanos) {
        int allowed = 0;
        for (int k = 0; k < tries; k++) {
            allowed += budget.take(source, proven, nowNanos) == ALLOWED ? 1 : 0;
        }
        return allowed;
    }
}
