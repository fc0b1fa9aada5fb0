package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class WatchedTransportTest {
    static final NodeId PEER = NodeId.of(new byte[] {1, 2, 3});
    static final InstanceId CHANNEL = InstanceId.of("i");

    /** Answers each request with the next scripted outcome. */
    static final class Scripted implements Transport {
        final Deque<CompletableFuture<byte[]>> outcomes = new ArrayDeque<>();

        @Override
        public NodeId self() {
            return NodeId.of(new byte[] {9});
        }

        @Override
        public void serve(InstanceId channel, RequestHandler handler) {
        }

        @Override
        public void unserve(InstanceId channel) {
        }

        @Override
        public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
            return outcomes.removeFirst();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void saysOnceWhenAPeerIsUnreachableAndOnceWhenItAnswersAgain() {
        Scripted t = new Scripted();
        List<String> said = new ArrayList<>();
        WatchedTransport w = new WatchedTransport(t, new WatchedTransport.Watcher() {
            @Override
            public void unreachable(NodeId peer, TransportException error) {
                said.add("down " + peer + " " + error.kind());
            }

            @Override
            public void reachable(NodeId peer) {
                said.add("up " + peer);
            }
        });
        t.outcomes.add(CompletableFuture.completedFuture(new byte[0]));
        t.outcomes.add(CompletableFuture.failedFuture(new TransportException(Kind.UNREACHABLE, "refused")));
        t.outcomes.add(CompletableFuture.failedFuture(new TransportException(Kind.TIMEOUT, "slow")));
        t.outcomes.add(CompletableFuture.failedFuture(new TransportException(Kind.FRAME_TOO_LARGE, "big")));
        t.outcomes.add(CompletableFuture.failedFuture(new TransportException(Kind.REMOTE_ERROR, "rejected")));
        t.outcomes.add(CompletableFuture.completedFuture(new byte[0]));
        t.outcomes.add(CompletableFuture.failedFuture(new TransportException(Kind.AUTHENTICATION, "wrong key")));
        for (int i = 0; i < 7; i++) {
            w.request(PEER, CHANNEL, new byte[0], Duration.ofSeconds(1));
        }
        assertThat(said).containsExactly("down 010203 UNREACHABLE", "up 010203", "down 010203 AUTHENTICATION");
    }
}
