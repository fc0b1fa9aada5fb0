package dev.bftkit.log;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.codec.Encoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the log keeps its state in the node's storage, all under one prefix made of {@code "log"} and the log's
 * instance id: {@code E} + height (entries), {@code F} (the lowest entry kept), {@code P} + sequence (pending
 * values), {@code N} (counters), {@code W} (the committee this member asked for, until it is in force), {@code C}
 * + position (a snapshot's record), {@code S} + position + chunk (its bytes) and {@code I} + segment (each inner
 * Decider's own keys).
 */
final class LogKeys {
    private final byte[] prefix;

    LogKeys(InstanceId log) {
        this.prefix = new Encoder().bytes("log".getBytes(StandardCharsets.US_ASCII)).bytes(log.bytes()).toByteArray();
    }

    byte[] entry(long height) {
        return numbered('E', height);
    }

    byte[] pending(long seq) {
        return numbered('P', seq);
    }

    byte[] segment(long index) {
        return numbered('I', index);
    }

    /** {@return the key of a snapshot's record: its digest, size, entry hash and certificate} */
    byte[] snapshot(long position) {
        return numbered('C', position);
    }

    /** {@return the key of one chunk of a snapshot's bytes} */
    byte[] snapshotChunk(long position, int chunk) {
        return new Encoder(prefix.length + 13).raw(prefix).u8('S').i64(position).i32(chunk).toByteArray();
    }

    byte[] kind(char kind) {
        return new Encoder(prefix.length + 1).raw(prefix).u8(kind).toByteArray();
    }

    private byte[] numbered(char kind, long n) {
        return new Encoder(prefix.length + 9).raw(prefix).u8(kind).i64(n).toByteArray();
    }
}
