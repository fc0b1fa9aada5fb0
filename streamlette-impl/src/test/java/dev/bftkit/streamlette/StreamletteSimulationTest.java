package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Streamlette's liveness claims in the simulator (spec §8.9). */
class StreamletteSimulationTest {

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {4, 7, 16})
    void synchronousAndAllHonestDecidesInThreeTicks(int n) {
        for (long seed = 1; seed <= 5; seed++) {
            SimulationResult r = Simulator.run(new StreamletteProvider(), Doubles.insecureCrypto(),
                    Scenario.builder(n, seed).build());
            assertThat(r.violations()).isEmpty();
            assertThat(r.decideTick().values()).as("seed %d", seed).containsOnly(3L);
        }
    }

    /** A fixed delay longer than a phase stalls the first ticks; the growing clock outlasts it. */
    @Test
    void theGrowingClockEventuallyExceedsAFixedDelay() {
        NetworkModel slow = new NetworkModel(3_000, 3_000, 0, 0); // a round trip of 6 s against 0.5 s phases
        SimulationResult r = Simulator.run(new StreamletteProvider(), Doubles.insecureCrypto(),
                Scenario.builder(4, 3).network(slow).healAt(0).maxTicks(200).build());
        assertThat(r.violations()).isEmpty();
        assertThat(r.allDecided()).isTrue();
        long phaseAtDecision = (long) (500 * Math.pow(1.05, r.maxDecideTick()));
        assertThat(phaseAtDecision).as("decided once phases had grown near the delay").isGreaterThan(1_000);
    }

    /**
     * ⌊(n−1)/3⌋ Byzantine authors each give their messages to one honest node only and answer the others without
     * them (so nobody finds them unreachable): on a clean and on a lossy network every honest node still decides,
     * and agrees.
     */
    @ParameterizedTest(name = "n={0}, lossy={1}")
    @CsvSource({"4, false", "4, true", "7, false", "7, true"})
    void selectiveAuthorsDoNotStopTheHonestNodes(int n, boolean lossy) {
        for (long seed = 1; seed <= 10; seed++) {
            Scenario.Builder b = Scenario.builder(n, seed).network(lossy ? NetworkModel.LOSSY : NetworkModel.CLEAN)
                    .drift(lossy ? 5 : 0).maxTicks(200);
            for (int i = 0; i < (n - 1) / 3; i++) {
                b.byzantine(i, new SelectiveAuthor(java.util.Set.of(n - 1)));
            }
            Scenario s = b.build();
            SimulationResult r = Simulator.run(new StreamletteProvider(), Doubles.insecureCrypto(), s);
            assertThat(r.violations()).as("seed %d: %s", seed, s.describe()).isEmpty();
            assertThat(r.allDecided()).as("seed %d: %s", seed, s.describe()).isTrue();
        }
    }

    @Test
    void goldenContentHashPinsTheEncoding() {
        Fixture f = new Fixture(4);
        Message p = new Message.Proposal(f.instance, 0, "golden".getBytes(), f.ids[0], new byte[0]);
        assertThat(dev.bftkit.api.Bytes.hex(Wire.encode(p))).isEqualTo(GOLDEN_ENCODING);
        assertThat(dev.bftkit.api.Bytes.hex(f.hash(p))).isEqualTo(GOLDEN_HASH);
    }

    @Test
    void goldenPullPinsTheRequestEncoding() {
        Fixture f = new Fixture(4);
        Message p = new Message.Proposal(f.instance, 0, "golden".getBytes(), f.ids[0], new byte[0]);
        byte[] pull = Wire.pull(new boolean[] {false, true, false, true},
                java.util.List.<byte[][]>of(new byte[][] {f.hash(p), new byte[] {0x05}}));
        assertThat(dev.bftkit.api.Bytes.hex(pull)).isEqualTo(GOLDEN_PULL);
        Wire.Pull decoded = Wire.decodePull(pull, 4, 16, 32);
        assertThat(decoded.unreachable()).containsExactly(false, true, false, true);
        assertThat(decoded.summary()).singleElement().satisfies(e -> {
            assertThat(e[0]).isEqualTo(f.hash(p));
            assertThat(e[1]).containsExactly(0x05);
        });
    }

    /** version 1, kind proposal | instance "unit" | tick 0 | body "golden" | source (32 bytes) | empty signature */
    static final String GOLDEN_ENCODING = "010100000004756e6974000000000000000000000006676f6c64656e00000020"
            + "c116c7af7119369af7fa1fa3f2c9024391123cfd0dd2134e436b0d5537e5848100000000";
    /** SHA-256 (the insecure-fast suite's hash) of that encoding: the content hash. */
    static final String GOLDEN_HASH = "d3dadfde501d2c9a32fba43febaad292a99c7465d3939d49140ab9d5b97d737b";

    /**
     * version 3, kind pull | unreachable-peer bitmap: 1 byte, members 1 and 3 (0b1010) | 1 summary entry: the golden
     * proposal's content hash, then the bitmap of the voters whose vote for it the asker holds: members 0 and 2
     * (0b0101), ⌈4/8⌉ = 1 byte, no length prefix
     */
    static final String GOLDEN_PULL = "030a000000010a00000001" + GOLDEN_HASH + "05";
}
