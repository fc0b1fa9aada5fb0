package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code consensus bench}: the reports' structure, their deterministic part, a real cluster, usage errors. */
class BenchCommandTest {
    static final String[] SIM = {"bench", "sim", "--json", "--nodes", "4,7", "--runs", "3", "--seed", "5",
        "--warmup", "1"};

    /** The report without the figures that depend on the machine: its facts and each size's speed. */
    static Map<String, Object> deterministic(Map<String, Object> report) {
        Map<String, Object> m = new LinkedHashMap<>(report);
        m.remove("machine");
        m.put("sizes", CliRun.maps(m.get("sizes")).stream().map(s -> {
            Map<String, Object> c = new LinkedHashMap<>(s);
            c.remove("speed");
            return c;
        }).toList());
        return m;
    }

    @Test
    void simReportsEverySizeAndItsDeterministicFiguresRepeat() {
        CliRun first = CliRun.of(SIM);
        assertThat(first.code()).as(first.describe()).isZero();
        Map<String, Object> m = first.json();
        assertThat(m).containsEntry("mode", "sim").containsEntry("decider", "streamlette")
                .containsEntry("runsPerSize", 3L).containsEntry("firstSeed", 5L);
        assertThat((String) m.get("command")).isEqualTo("./consensus bench sim --decider streamlette --nodes 4,7 "
                + "--runs 3 --seed 5 --warmup 1 --loss 0 --delay 10-100 --duplication 0 --drift 0 --max-ticks 100");
        assertThat((String) m.get("deterministic")).contains("fixed by the seeds");
        assertThat(CliRun.maps(List.of(m.get("machine")))).singleElement().satisfies(machine -> {
            assertThat(machine).containsKeys("jdk", "os", "processors", "cpu", "loadAverage");
            assertThat((Long) machine.get("processors")).isPositive();
        });
        List<Map<String, Object>> sizes = CliRun.maps(m.get("sizes"));
        assertThat(sizes).extracting(s -> s.get("nodes")).containsExactly(4L, 7L);
        for (Map<String, Object> s : sizes) {
            long n = (Long) s.get("nodes");
            assertThat(s).containsEntry("runs", 3L).containsEntry("seeds", "5-7").containsEntry("undecidedNodes", 0L)
                    .containsEntry("decisions", 3L).containsEntry("floor", 3 * (n + 1) * (n - 1));
            @SuppressWarnings("unchecked")
            Map<String, Object> ticks = (Map<String, Object>) s.get("ticksToDecide");
            assertThat((Long) ticks.get("min")).isPositive().isLessThanOrEqualTo((Long) ticks.get("median"));
            assertThat((Long) ticks.get("median")).isLessThanOrEqualTo((Long) ticks.get("max"));
            assertThat((Double) s.get("messagesPerDecision")).isPositive();
            assertThat((Double) s.get("floorRatio"))
                    .isEqualTo(Math.round((Double) s.get("messagesPerDecision") / (3 * (n + 1) * (n - 1)) * 1000)
                            / 1000.0, org.assertj.core.api.Assertions.within(0.0011));
            assertThat((Double) s.get("bytesPerDecision")).isPositive();
            @SuppressWarnings("unchecked")
            Map<String, Object> speed = (Map<String, Object>) s.get("speed");
            assertThat(speed).containsKeys("wallMs", "cpuMs", "runsPerWallSecond", "runsPerCpuSecond");
        }

        CliRun second = CliRun.of(SIM);
        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(deterministic(second.json())).isEqualTo(deterministic(m));

        CliRun other = CliRun.of("bench", "sim", "--json", "--nodes", "4,7", "--runs", "3", "--seed", "6",
                "--warmup", "1");
        assertThat(CliRun.maps(other.json().get("sizes")).get(0).get("traceHash"))
                .as("another seed, another trace").isNotEqualTo(sizes.get(0).get("traceHash"));
    }

    @Test
    void simTextNamesTheMachineTheDeterminismAndTheCommand() {
        CliRun r = CliRun.of("bench", "sim", "--nodes", "4", "--runs", "2", "--warmup", "0", "--loss", "0.1");
        assertThat(r.code()).as(r.describe()).isZero();
        assertThat(r.out()).contains("machine: ").contains(" processors").contains("load average")
                .contains("floor 3(n+1)(n-1)").contains("runs/CPU-s")
                .contains("deterministic: every figure but runs/s and runs/CPU-s is fixed by the seeds")
                .contains("repeat: ./consensus bench sim --decider streamlette --nodes 4 --runs 2 --seed 1 "
                        + "--warmup 0 --loss 0.1 ");
        assertThat(r.out().lines().filter(l -> l.startsWith("4 ")).count()).isEqualTo(1);
    }

    @Test
    void simRunsParsecInSingleMode() {
        CliRun r = CliRun.of("bench", "sim", "--json", "--decider", "parsec", "--nodes", "4", "--runs", "2",
                "--warmup", "0");
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m.get("options")).isEqualTo(Map.of("parsec.mode", "single"));
        assertThat((String) m.get("command")).endsWith(" --option parsec.mode=single");
        Map<String, Object> size = CliRun.maps(m.get("sizes")).get(0);
        assertThat(size).containsEntry("undecidedNodes", 0L).doesNotContainKey("floor");
        assertThat((Long) size.get("decisions")).isPositive();
    }

    @Test
    void clusterDecidesKTimesOnMemoryStorage() {
        CliRun r = CliRun.of("bench", "cluster", "--json", "--nodes", "4", "--decisions", "2", "--storage",
                "memory");
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).containsEntry("mode", "cluster").containsEntry("nodes", 4L).containsEntry("decisions", 2L)
                .containsEntry("storage", "memory").containsEntry("decider", "streamlette")
                .containsEntry("transport", "vertx").containsEntry("crypto", "bc")
                .containsEntry("command", "./consensus bench cluster --nodes 4 --decider streamlette --storage memory "
                        + "--decisions 2");
        assertThat(CliRun.list(m.get("latenciesMs"))).hasSize(2);
        assertThat((Double) m.get("coldMs")).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Object> warm = (Map<String, Object>) m.get("warm");
        assertThat(warm).containsEntry("count", 1L).containsKeys("medianMs", "p90Ms", "minMs");
        assertThat(m.get("machine")).isInstanceOf(Map.class);
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        CliRun.of("bench").isUsageError("bench needs a mode");
        CliRun.of("bench", "sim", "--nodes", "4,0").isUsageError("--nodes sizes must be 1 to 1000, got 0");
        CliRun.of("bench", "sim", "--runs", "0").isUsageError("--runs must be 1 to 1000000");
        CliRun.of("bench", "sim", "--loss", "2").isUsageError("--loss and --duplication are probabilities");
        CliRun.of("bench", "sim", "--decider", "nope").isUsageError("nope");
        CliRun.of("bench", "sim", "--nodes", "x").isUsageError("--nodes");
        CliRun.of("bench", "cluster", "--decisions", "0").isUsageError("--decisions must be 1 to 10000");
        CliRun.of("bench", "cluster", "--nodes", "17").isUsageError("--nodes must be 1 to 16");
        CliRun.of("bench", "cluster", "--storage", "nope").isUsageError("nope");
        CliRun.of("bench", "frobnicate").isUsageError("frobnicate");
    }
}
