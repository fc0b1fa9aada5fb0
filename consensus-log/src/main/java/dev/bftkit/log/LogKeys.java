package dev.bftkit.log;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.codec.Encoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the log keeps its state in the node's storage, all under one prefix made of {@code "log"} and the log's
 * instance id: {@code E} + height (entries), {@code P} + sequence (pending values), {@code N} (counters) and
 * {@code I} + segment (each inner Decider's own keys).
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

    byte[] kind(char kind) {
        return new Encoder(prefix.length + 1).raw(prefix).u8(kind).toByteArray();
    }

    private byte[] numbered(char kind, long n) {
        return new Encoder(prefix.length + 9).raw(prefix).u8(kind).i64(n).toByteArray();
    }
}
