package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the README's Java examples share in their tests: the word-for-word check, and a committee on loopback. */
final class ReadmeExamples {
    private static final Path README = Path.of("..", "README.md");

    private ReadmeExamples() {
    }

    /**
     * Checks that the README holds, word for word, the lines of {@code source} between {@code // README:begin} and
     * {@code // README:end} (a method body, dedented by its eight spaces).
     */
    static void assertReadmeShows(String testClass) throws IOException {
        String source = Files.readString(Path.of("src", "test", "java", "dev", "bftkit", "integration",
                testClass + ".java"));
        int from = source.indexOf("// README:begin\n") + "// README:begin\n".length();
        String block = source.substring(from, source.indexOf("        // README:end", from));
        StringBuilder dedented = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            dedented.append(line.length() >= 8 ? line.substring(8) : line.strip()).append('\n');
        }
        assertThat(Files.readString(README)).contains(dedented.toString().stripTrailing());
    }

    /** n members on loopback: keys drawn from seeds, free addresses, and each member's peers. */
    record Committee(List<SigningKey> keys, List<NodeId> members, List<InetSocketAddress> addresses) {
        static Committee of(Crypto crypto, int n, long firstSeed) {
            List<SigningKey> keys = new ArrayList<>();
            List<NodeId> members = new ArrayList<>();
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                keys.add(LoopbackNetwork.key(crypto, firstSeed + i));
                members.add(keys.get(i).publicKey().nodeId());
                addresses.add(LoopbackNetwork.freeLoopbackAddress());
            }
            return new Committee(keys, members, addresses);
        }

        /** {@return every member's address but member {@code me}'s} */
        Map<NodeId, InetSocketAddress> peersOf(int me) {
            Map<NodeId, InetSocketAddress> peers = new HashMap<>();
            for (int j = 0; j < members.size(); j++) {
                if (j != me) {
                    peers.put(members.get(j), addresses.get(j));
                }
            }
            return peers;
        }
    }
}
