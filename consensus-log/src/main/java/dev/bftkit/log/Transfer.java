package dev.bftkit.log;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Encoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A peer's snapshot being fetched, chunk by chunk and in order, from one peer. It holds at most the snapshot's
 * length, which the log checks against {@code log.maxSnapshotBytes} before it starts.
 */
final class Transfer {
    private final NodeId peer;
    private final Snapshots.Meta meta;
    private final List<byte[]> chunks = new ArrayList<>();
    private long received;

    Transfer(NodeId peer, Snapshots.Meta meta) {
        this.peer = peer;
        this.meta = meta;
    }

    /** {@return true if this is the transfer of that snapshot from that peer} */
    boolean same(NodeId from, Snapshots.Meta m) {
        return peer.equals(from) && meta.position() == m.position() && Arrays.equals(meta.digest(), m.digest())
                && meta.length() == m.length();
    }

    /** {@return true if the chunk was the next one, now taken} */
    boolean add(long offset, byte[] chunk) {
        if (offset != received) {
            return false;
        }
        chunks.add(chunk);
        received += chunk.length;
        return true;
    }

    long received() {
        return received;
    }

    boolean complete() {
        return received == meta.length();
    }

    byte[] bytes() {
        Encoder all = new Encoder((int) received);
        for (byte[] c : chunks) {
            all.raw(c);
        }
        return all.toByteArray();
    }
}
