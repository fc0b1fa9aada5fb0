package dev.bftkit.parsec.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bftkit.api.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every recorded upstream graph (distributed key generation excepted) and compares the decided observation
 * hashes with the file's {@code consensus_history}, position by position.
 *
 * <p>Two properties of the recordings themselves are taken into account, each detected from the file:
 * <ul>
 *   <li>A graph dumped at the moment of a decision (the reference dumps before it appends the decision to its
 *       history) shows that event's meta-votes all decided; its history then lacks the group decided at the last
 *       recorded event, which the replay does decide. The reference's own record test allows exactly this
 *       ({@code missing_one_consensus}).</li>
 *   <li>A recorded hash that no observation of the file hashes to cannot be recomputed: the functional-test graphs
 *       keep a Genesis hash made with an older mock-id encoding, and the routing recording uses routing's own
 *       ids and payloads (shown as a 10-digit hash prefix). At such a position the replay must decide an
 *       observation of the right kind (and, for a payload shown as a hash prefix, with that prefix); every other
 *       position must match the recorded hash exactly.</li>
 * </ul>
 */
class GoldenReplayTest {

    static Stream<Arguments> graphs() throws IOException {
        List<Path> files = GoldenFiles.nonDkgGraphs();
        if (files.isEmpty()) {
            return Stream.of(Arguments.of("(none)", null));
        }
        return files.stream().map(p -> Arguments.of(GoldenFiles.name(p), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void replay_decides_the_recorded_consensus_history(String name, Path file) throws IOException {
        assumeTrue(file != null, "the recorded graphs are absent: name their folder with -Dbftkit.parsec.golden=DIR;"
                + " skipping golden replay");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        DotFile dot = DotFile.parse(text);
        List<RecordedReplay.Decided> decided = new ArrayList<>(RecordedReplay.replay(dot));
        List<String> recorded = hex(dot.consensusHistory());

        if (RecordedMetaVotes.dumpedAtDecision(text)) {
            int before = decided.size();
            while (!decided.isEmpty() && decided.get(decided.size() - 1).atLastRecordedEvent()) {
                decided.remove(decided.size() - 1);
            }
            assertThat(decided.size()).as("%s was dumped at a decision: the replay decides it at the last event",
                    name).isLessThan(before);
        }
        assertThat(decided).as("number of decisions of %s", name).hasSize(recorded.size());
        Set<String> reproducible = reproducibleHashes(dot);
        for (int i = 0; i < recorded.size(); i++) {
            RecordedReplay.Decided d = decided.get(i);
            String want = recorded.get(i);
            if (reproducible.contains(want) || !unreproducibleKind(d)) {
                assertThat(Bytes.hex(d.hash())).as("%s: decision %d (%s)", name, i, d.observation()).isEqualTo(want);
            } else if (d.observation().startsWith("OpaquePayload(")) {
                String shown = d.observation().substring("OpaquePayload(".length());
                assertThat(shown).as("%s: decision %d shows the recorded hash prefix", name, i)
                        .startsWith(want.substring(0, 10));
            } else if (i == 0) {
                assertThat(d.observation()).as("%s: decision 0", name).startsWith("Genesis(");
            } else {
                assertThat(d.observation()).as("%s: decision %d", name, i).matches("(Add|Remove)\\(.*\\)");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void the_exported_entry_point_replays_a_file() throws IOException {
        Path folder = GoldenFiles.folder();
        assumeTrue(folder != null, "the recorded graphs are absent; skipping");
        GoldenReplay.Result r = GoldenReplay.run(folder.resolve("benches/minimal.dot"));
        assertThat(r.matches()).isTrue();
        assertThat(r.events()).isEqualTo(113);
        assertThat(hex(GoldenReplay.replay(folder.resolve("benches/minimal.dot"))))
                .containsExactly("181acff73711013c5df11e21c5edd964e180a3e02896ba627983aebc0651e1dd",
                        "c93ff2cda7e9dd6a49b12c4fccdbaa0fe1b25b1e92421f288b06bfe53122be0f");
    }

    /** Kinds whose recorded hash may use ids or payloads the file does not hold. */
    private static boolean unreproducibleKind(RecordedReplay.Decided d) {
        String o = d.observation();
        return o.startsWith("Genesis(") || o.startsWith("Add(") || o.startsWith("Remove(")
                || o.matches("OpaquePayload\\([0-9a-f]{10}.*\\)");
    }

    /** The mock-encoding hashes of every observation the file's events carry. */
    private static Set<String> reproducibleHashes(DotFile dot) {
        Set<String> out = new HashSet<>();
        for (DotEvent e : dot.events().values()) {
            if (e.cause().observation() != null) {
                try {
                    out.add(Bytes.hex(GoldenHashing.INSTANCE.voteHash(RecordedReplay.vote(e.cause().observation()))));
                } catch (IllegalArgumentException unsupported) {
                    // not replayable; such graphs are not in this test
                }
            }
        }
        return out;
    }

    static List<String> hex(List<byte[]> hashes) {
        List<String> out = new ArrayList<>();
        for (byte[] h : hashes) {
            out.add(Bytes.hex(h));
        }
        return out;
    }
}
