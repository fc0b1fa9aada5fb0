package dev.bftkit.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Committee;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.Step;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commit votes and certificates reach a member that committed entries without certifying them. An ordered-stream
 * Decider may decide more entries at once than one message carries votes for ({@value Chain#VOTES_PER_MESSAGE}), and
 * a member certifies in height order, so a header that carried only the newest votes left the oldest entries
 * uncertified on every member for ever; and a member whose peers have certified and no longer keep their votes for
 * its entries takes their certificates instead.
 */
class ChainVotesTest {
    private static final InstanceId LOG = InstanceId.of("chain-votes");
    private static final int BURST = Chain.VOTES_PER_MESSAGE + 4;

    private final Crypto crypto = Doubles.insecureCrypto();
    private final List<SigningKey> keys = new ArrayList<>();
    private final FaultLog faults = new FaultLog();
    private Committee committee;

    @BeforeEach
    void keys() {
        for (int i = 0; i < 4; i++) {
            byte[] seed = new byte[crypto.seedLength()];
            seed[0] = (byte) (i + 1);
            keys.add(crypto.keyFromSeed(seed));
        }
        committee = Committee.equalWeights(keys.stream().map(k -> k.publicKey().nodeId()).toList());
    }

    private Chain chain(int member, int entries) {
        LogLimits limits = LogLimits.of(Map.of(), false);
        Membership membership = new Membership(LOG, crypto, limits.segmentEntries(), committee);
        Storage stored = Doubles.memoryStorage();
        Snapshots snapshots = new Snapshots(LOG, new LogKeys(LOG), stored, crypto, limits, StateMachine.none(),
                membership);
        Chain c = new Chain(LOG, crypto, keys.get(member), new LogKeys(LOG), stored, limits, snapshots, membership);
        commit(c, entries);
        return c;
    }

    private static void commit(Chain c, int entries) {
        for (int h = 0; h < entries; h++) {
            c.commit(List.of(), null, Step.builder());
        }
    }

    /** One message each way between members {@code i} and {@code j}: the votes each header carries. */
    private void exchange(Chain a, int i, Chain b, int j) {
        Wire.Header toB = a.header(b.certified());
        Wire.Header toA = b.header(a.certified());
        toB.votes().forEach(v -> b.accept(keys.get(i).publicKey().nodeId(), v, faults, Step.builder()));
        toA.votes().forEach(v -> a.accept(keys.get(j).publicKey().nodeId(), v, faults, Step.builder()));
    }

    @Test
    void entriesCommittedTogetherPastOneMessageOfVotesAreCertified() {
        Chain a = chain(0, BURST);
        Chain b = chain(1, BURST);
        for (int round = 0; round < 4; round++) {
            exchange(a, 0, b, 1);
        }
        assertThat(faults.size()).isZero();
        assertThat(a.certified()).as("entries member 0 certified").isEqualTo(BURST);
        assertThat(b.certified()).as("entries member 1 certified").isEqualTo(BURST);
    }

    @Test
    void aMemberWhosePeersDroppedTheirVotesTakesTheirCertificates() {
        Chain a = chain(0, BURST);
        Chain b = chain(1, BURST);
        Chain c = chain(2, BURST);
        for (int round = 0; round < 4; round++) {
            exchange(a, 0, b, 1);
        }
        commit(a, Chain.VOTES_PER_MESSAGE + 1); // past the votes a member keeps once certified
        commit(b, Chain.VOTES_PER_MESSAGE + 1);
        exchange(a, 0, c, 2);
        exchange(b, 1, c, 2);
        assertThat(c.certified()).as("the votes for member 2's first entry are gone").isZero();

        for (Wire.Certified w : a.certifiedFrom(c.certified())) {
            long height = LogEntry.decode(w.entry(), Integer.MAX_VALUE).height();
            byte[] hash = crypto.hash(w.entry());
            assertThat(c.verify(height, hash, w.certificate())).isTrue();
            c.attach(height, w.entry(), w.certificate(), Step.builder());
        }
        assertThat(faults.size()).isZero();
        assertThat(c.certified()).as("entries member 2 certified from member 0's certificates").isEqualTo(BURST);
    }
}
