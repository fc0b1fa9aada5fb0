package dev.bftkit.parsec;

import dev.bftkit.api.NodeId;
import dev.bftkit.parsec.golden.Bincode;
import dev.bftkit.parsec.golden.MockIds;
import java.nio.charset.StandardCharsets;

/**
 * Observation hashes as the reference computes them for its mock types: SHA3-256 of the bincode encoding, with peers
 * as mock ids whose node id bytes are their UTF-8 names, and opaque payloads as mock transactions (strings).
 */
final class GoldenHashing implements ParsecCore.ObservationHasher {
    static final GoldenHashing INSTANCE = new GoldenHashing();

    private GoldenHashing() {
    }

    static NodeId idOf(String name) {
        return NodeId.of(name.getBytes(StandardCharsets.UTF_8));
    }

    static String nameOf(NodeId id) {
        return new String(id.bytes(), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] hash(Observation observation) {
        return Bincode.sha3(encode(observation));
    }

    static byte[] encode(Observation observation) {
        Bincode out = new Bincode();
        if (observation instanceof Observation.Genesis g) {
            out.u32(0).u64(g.group().size());
            for (NodeId id : g.group()) {
                MockIds.writePeerId(out, nameOf(id));
            }
            out.bytes(g.relatedInfo().bytes());
        } else if (observation instanceof Observation.Add a) {
            MockIds.writePeerId(out.u32(1), nameOf(a.peer())).bytes(a.relatedInfo().bytes());
        } else if (observation instanceof Observation.Remove r) {
            MockIds.writePeerId(out.u32(2), nameOf(r.peer())).bytes(r.relatedInfo().bytes());
        } else if (observation instanceof Observation.Opaque o) {
            out.u32(4).string(new String(o.payload(), StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("recorded graphs hold no accusations: " + observation);
        }
        return out.toByteArray();
    }
}
