package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code consensus fuzz}: a fixed budget of swarm runs for both deciders, replays, reported violations. */
class FuzzCommandTest {
    /** The budget of the test command: swarm runs of both deciders, on every core, with every invariant checked. */
    @Test
    void aFixedBudgetOfSwarmRunsOfBothDecidersFindsNoViolation() {
        CliRun run = CliRun.of("fuzz", "--runs", "200", "--seed", "20261207");
        assertThat(run.code()).as(run.describe()).isZero();
        assertThat(run.out()).contains("streamlette    4").contains("streamlette    7").contains("parsec         4")
                .contains("parsec         7").contains("runs 200 in").contains("violations 0")
                .contains("byz:variants").contains("byz:early").contains("restart-after-attack");
    }

    @Test
    void aReplayIsTheSameRunEachTime() {
        String[] args = {"fuzz", "--decider", "streamlette", "--nodes", "4", "--replay", "42"};
        CliRun first = CliRun.of(args);
        CliRun again = CliRun.of(args);
        assertThat(first.code()).as(first.describe()).isZero();
        assertThat(first.out()).contains("streamlette n=4 seed=42 [").contains("trace hash ")
                .contains("✓ invariants held");
        assertThat(again.out()).isEqualTo(first.out());
    }

    /** A decider configured so that nobody can propose: every liveness run breaks, and says how to replay it. */
    @Test
    void aViolationIsPrintedWithTheCommandThatReplaysIt() {
        CliRun run = CliRun.of("fuzz", "--decider", "streamlette", "--nodes", "4", "--runs", "6", "--threads", "1",
                "--option", "streamlette.maxBody=1");
        assertThat(run.code()).as(run.describe()).isEqualTo(ExitCodes.FAILURE);
        Matcher m = Pattern.compile("replay: (\\./consensus fuzz .*)").matcher(run.out());
        assertThat(m.find()).as(run.describe()).isTrue();
        assertThat(m.group(1)).contains("--option streamlette.maxBody=1");
        String[] replay = m.group(1).substring("./consensus ".length()).split(" ");
        CliRun again = CliRun.of(replay);
        assertThat(again.code()).as(again.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.out()).contains("✗ violations:").contains("termination");
    }

    @Test
    void replayNeedsOneDeciderAndOneSize() {
        CliRun.of("fuzz", "--replay", "1").isUsageError("--replay takes exactly one --decider and one --nodes");
        CliRun.of("fuzz", "--minutes", "0").isUsageError("give --minutes above 0 or --runs above 0");
    }
}
