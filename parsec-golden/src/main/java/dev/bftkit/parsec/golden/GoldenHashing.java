package dev.bftkit.parsec.golden;

import dev.bftkit.api.NodeId;
import dev.bftkit.parsec.ParsecReplica;
import dev.bftkit.parsec.ParsecReplica.Vote;
import java.nio.charset.StandardCharsets;

/**
 * The stand-ins of recorded graphs. Observation hashes are the reference's for its mock types: SHA3-256 of the bincode
 * encoding, with peers as mock ids whose node id bytes are their UTF-8 names, opaque payloads as mock transactions
 * (strings), and no related info. Event hashes, which the recorded mock signatures cannot reproduce, are SHA3-256 of
 * the creator's name and the event's position ({@link #standInHash}).
 */
final class GoldenHashing implements ParsecReplica.StandIns {
    static final GoldenHashing INSTANCE = new GoldenHashing();

    private GoldenHashing() {
    }

    static NodeId idOf(String name) {
        return NodeId.of(name.getBytes(StandardCharsets.UTF_8));
    }

    static String nameOf(NodeId id) {
        return new String(id.bytes(), StandardCharsets.UTF_8);
    }

    /** A stand-in event hash: SHA3-256 of the creator's name and the event's position. */
    static byte[] standInHash(String creator, int indexByCreator, int forkIndex) {
        return Bincode.sha3((creator + ":" + indexByCreator + ":" + forkIndex).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] voteHash(Vote vote) {
        return Bincode.sha3(encode(vote));
    }

    /** Our events get the same stand-in hashes as recorded ones, so recorded events can name them as parents. */
    @Override
    public byte[] eventHash(NodeId creator, int indexByCreator) {
        return standInHash(nameOf(creator), indexByCreator, 0);
    }

    @Override
    public String name(NodeId id) {
        return nameOf(id);
    }

    static byte[] encode(Vote vote) {
        Bincode out = new Bincode();
        byte[] noRelatedInfo = new byte[0];
        if (vote instanceof Vote.Genesis g) {
            out.u32(0).u64(g.group().size());
            for (NodeId id : g.group()) {
                MockIds.writePeerId(out, nameOf(id));
            }
            out.bytes(noRelatedInfo);
        } else if (vote instanceof Vote.Add a) {
            MockIds.writePeerId(out.u32(1), nameOf(a.peer())).bytes(noRelatedInfo);
        } else if (vote instanceof Vote.Remove r) {
            MockIds.writePeerId(out.u32(2), nameOf(r.peer())).bytes(noRelatedInfo);
        } else {
            out.u32(4).string(new String(((Vote.Opaque) vote).payload(), StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
