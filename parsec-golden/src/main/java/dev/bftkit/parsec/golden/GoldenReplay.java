package dev.bftkit.parsec.golden;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays a gossip graph recorded by the reference PARSEC implementation (release 0.7.3, a {@code .dot} dump with
 * its {@code consensus_history}) through bftkit's PARSEC and reports the observations it decides. A faithful port
 * decides exactly the recorded history.
 */
public final class GoldenReplay {
    private GoldenReplay() {
    }

    /**
     * @param file a recorded {@code .dot} graph
     * @return the SHA3-256 observation hashes the replay decided, in decision order
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a replayable graph dump
     */
    public static List<byte[]> replay(Path file) throws IOException {
        return run(file).decided();
    }

    /**
     * @param file a recorded {@code .dot} graph
     * @return the replay's decisions beside the recorded ones
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a replayable graph dump
     */
    public static Result run(Path file) throws IOException {
        DotFile dot = DotFile.read(file);
        List<byte[]> decided = new ArrayList<>();
        for (RecordedReplay.Decided d : RecordedReplay.replay(dot)) {
            decided.add(d.hash());
        }
        return new Result(decided, dot.consensusHistory(), RecordedReplay.eventCount(dot), dot.singleMode());
    }

    /**
     * A replay's outcome.
     *
     * @param decided the observation hashes the replay decided, in order
     * @param recorded the file's {@code consensus_history}
     * @param events the number of events in the recorded graph
     * @param singleMode true if the graph was recorded in Single consensus mode
     */
    public record Result(List<byte[]> decided, List<byte[]> recorded, int events, boolean singleMode) {
        /** Copies the lists and their arrays. */
        public Result {
            decided = copy(decided);
            recorded = copy(recorded);
        }

        @Override
        public List<byte[]> decided() {
            return copy(decided);
        }

        @Override
        public List<byte[]> recorded() {
            return copy(recorded);
        }

        /** @return true if the replay decided exactly the recorded history */
        public boolean matches() {
            if (decided.size() != recorded.size()) {
                return false;
            }
            for (int i = 0; i < decided.size(); i++) {
                if (!Arrays.equals(decided.get(i), recorded.get(i))) {
                    return false;
                }
            }
            return true;
        }

        private static List<byte[]> copy(List<byte[]> in) {
            List<byte[]> out = new ArrayList<>(in.size());
            for (byte[] b : in) {
                out.add(b.clone());
            }
            return List.copyOf(out);
        }
    }
}
