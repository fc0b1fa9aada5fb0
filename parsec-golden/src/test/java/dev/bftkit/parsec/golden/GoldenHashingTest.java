package dev.bftkit.parsec.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.NodeId;
import dev.bftkit.parsec.Cause;
import dev.bftkit.parsec.ParsecReplica.Vote;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference's observation hashes (bincode + SHA3-256 with mock ids), checked against published values. */
class GoldenHashingTest {

    @Test
    void opaque_payload_zero_hashes_as_in_the_recorded_graphs() {
        byte[] h = GoldenHashing.INSTANCE.voteHash(new Vote.Opaque("0".getBytes(StandardCharsets.UTF_8)));
        assertThat(Bytes.hex(h)).isEqualTo("c93ff2cda7e9dd6a49b12c4fccdbaa0fe1b25b1e92421f288b06bfe53122be0f");
    }

    @Test
    void genesis_of_four_hashes_as_in_the_recorded_graphs() {
        List<NodeId> group = List.of(GoldenHashing.idOf("Alice"), GoldenHashing.idOf("Bob"),
                GoldenHashing.idOf("Carol"), GoldenHashing.idOf("Dave"));
        byte[] h = GoldenHashing.INSTANCE.voteHash(new Vote.Genesis(group));
        assertThat(Bytes.hex(h)).isEqualTo("181acff73711013c5df11e21c5edd964e180a3e02896ba627983aebc0651e1dd");
    }

    @Test
    void add_of_a_peer_hashes_as_in_the_dynamic_bench_graph() {
        byte[] h = GoldenHashing.INSTANCE.voteHash(new Vote.Add(GoldenHashing.idOf("Dave")));
        assertThat(Bytes.hex(h)).isEqualTo("a1622e1d81969a22f878e5c121e7153f95e4f65e97c8d6c2bb65bfe634472b61");
    }

    @Test
    void mock_ids_write_name_then_public_then_secret_key() {
        byte[] bytes = MockIds.writePeerId(new Bincode(), "Bob").toByteArray();
        byte[] key = Bincode.sha3("Bob".getBytes(StandardCharsets.UTF_8));
        assertThat(bytes).hasSize(8 + 3 + 32 + 32);
        assertThat(bytes[0]).isEqualTo((byte) 3);
        assertThat(java.util.Arrays.copyOfRange(bytes, 11, 43)).isEqualTo(key);
        assertThat(java.util.Arrays.copyOfRange(bytes, 43, 75)).isEqualTo(key);
    }

    @Test
    void bincode_integers_are_little_endian() {
        assertThat(new Bincode().u32(0x01020304).u64(5).toByteArray())
                .containsExactly(4, 3, 2, 1, 5, 0, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void causes_and_observations_parse_from_their_dump_form() {
        assertThat(DotCause.parse("Requesting(Bob)")).isEqualTo(new DotCause(Cause.REQUESTING, "Bob", null));
        assertThat(DotCause.parse("Observation(Genesis({Alice, Bob}))").observation())
                .isEqualTo(new DotObservation.Genesis(List.of("Alice", "Bob")));
        assertThat(DotObservation.parse("DkgMessage(Part)")).isInstanceOf(DotObservation.Unsupported.class);
    }

    @Test
    void a_dump_header_graph_and_history_parse() {
        String text = String.join("\n",
                "/// our_id: Alice",
                "/// peer_list: {",
                "///   Alice: PeerState(VOTE|SEND|RECV)",
                "///   Bob: PeerState()",
                "/// }",
                "/// consensus_mode: Single",
                "digraph GossipGraph {",
                "  style=invis",
                "  subgraph cluster_Alice {",
                "    \"Alice\" -> \"A_0\" [style=invis]",
                "    \"A_0\" -> \"A_1\" [minlen=1]",
                "  }",
                "  \"B_0\" -> \"A_1\" [constraint=false]",
                "  subgraph cluster_Bob {",
                "    \"Bob\" -> \"B_0\" [style=invis]",
                "  }",
                "/// ===== details of events =====",
                "  \"A_0\" [fillcolor=white, label=<<table>",
                "</table>>]",
                "/// cause: Initial",
                "/// last_ancestors: {Alice: 0}",
                "  \"A_1\" [fillcolor=white]",
                "/// cause: Request",
                "/// last_ancestors: {Alice: 1, Bob: 0}",
                "  \"B_0\" [fillcolor=white]",
                "/// cause: Initial",
                "/// last_ancestors: {Bob: 0}",
                "}",
                "/// ===== meta-elections =====",
                "/// consensus_history:",
                "/// c93ff2cda7e9dd6a49b12c4fccdbaa0fe1b25b1e92421f288b06bfe53122be0f",
                "");
        DotFile dot = DotFile.parse(text);
        assertThat(dot.ourId()).isEqualTo("Alice");
        assertThat(dot.singleMode()).isTrue();
        assertThat(dot.peers()).containsEntry("Alice", 0b1111).containsEntry("Bob", 0);
        assertThat(dot.events()).containsOnlyKeys("A_0", "A_1", "B_0");
        assertThat(dot.events().get("A_1").selfParent()).isEqualTo("A_0");
        assertThat(dot.events().get("A_1").otherParent()).isEqualTo("B_0");
        assertThat(dot.events().get("A_1").lastAncestors()).containsEntry("Bob", 0);
        assertThat(dot.consensusHistory()).hasSize(1);
        assertThat(RecordedReplay.topologicalOrder(dot)).extracting(e -> e.id()).containsExactly("A_0", "B_0", "A_1");
    }
}
