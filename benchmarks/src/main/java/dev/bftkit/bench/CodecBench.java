package dev.bftkit.bench;

import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The canonical codec: encoding and decoding a small message. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
    private final byte[] body = new byte[100];
    private byte[] encoded;

    /** JMH constructs it. */
    public CodecBench() {
    }

    /** Encodes the message that {@link #decode()} reads. */
    @Setup
    public void setUp() {
        encoded = encode();
    }

    /** @return an encoded message */
    @Benchmark
    public byte[] encode() {
        return Encoder.message(1, 2).i64(42).raw(new byte[32]).bytes(body).toByteArray();
    }

    /** @return the decoded body */
    @Benchmark
    public byte[] decode() {
        Decoder d = Decoder.message(encoded, 1);
        d.i64();
        d.raw(32);
        byte[] b = d.bytes(1024);
        d.finish();
        return b;
    }
}
