package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runs {@code consensus fuzz} found violations in, replayed: each row failed on the algorithm before its fix
 * (the row says what it broke and what fixed it) and must hold every invariant now.
 */
class FoundByFuzzTest {
    @ParameterizedTest(name = "{0} n={1} seed={2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            parsec | 4 | 1657454143885241387 | lossy, restarts: a Requesting sent again after its answer was lost was refused by the peer that answered it, so a node whose chain ended in such Requestings starved (fixed: the answer is given again)
            parsec | 7 | 490762834974958208  | forking members: a removed member's event past its removal refused with the whole message (fixed: taken when another member's event in the message builds on it)
            parsec | 7 | 6336215702463896484 | forking members: as above
            parsec | 7 | 8050365242355683375 | forking members: as above
            parsec | 7 | 6778682166657536806 | forking members: as above
            parsec | 7 | 1048262180538117846 | forking members: as above
            """)
    void holdsEveryInvariant(String decider, int n, long seed, String found) {
        CliRun run = CliRun.of("fuzz", "--decider", decider, "--nodes", Integer.toString(n), "--replay",
                Long.toString(seed));
        assertThat(run.code()).as(found + "\n" + run.describe()).isZero();
        assertThat(run.out()).contains("✓ invariants held");
    }
}
