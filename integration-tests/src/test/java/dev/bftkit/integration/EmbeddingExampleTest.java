package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import dev.bftkit.runtime.TickClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Java" example is the body of this class's {@link #startMember} word for word, and it works: four
 * members, each running it on its own thread with real keys, MapDB files and Vert.x sockets, decide one value;
 * closing a node closes its store.
 */
class EmbeddingExampleTest {

    /** A running member: closing the node closes its transport and storage. */
    record Member(Node node, Decision decision) {
    }

    /** Starts one committee member and waits for its decision; it keeps serving peers until closed. */
    static Member startMember(SigningKey key, List<NodeId> members, InetSocketAddress listen,
                              Map<NodeId, InetSocketAddress> peers, Path dataDir, byte[] proposal)
            throws Exception {
        // README:begin
        Node node = new NodeAssembly()
                .decider("streamlette").transport("vertx").storage("mapdb").crypto("bc")  // plugins, by name
                .instance(InstanceId.of("block-42"))
                .committee(Committee.equalWeights(members))     // members: their public keys
                .key(key).listen(listen).peers(peers)           // this member's key and address, the others'
                .storageDir(dataDir)
                .propose(proposal)
                .clock(new TickClock(Duration.ofMillis(100), 1.05, Duration.ofSeconds(5)))
                .start();
        Decision decision = node.decide().get(1, TimeUnit.MINUTES);     // the same on every honest node
        // keep the node open while peers may still pull from it; node.close() closes its transport and storage
        // README:end
        return new Member(node, decision);
    }

    @Test
    void theReadmeShowsThisExampleWordForWord() throws IOException {
        ReadmeExamples.assertReadmeShows("EmbeddingExampleTest");
    }

    @Test
    void fourMembersRunningItDecideOneValue(@TempDir Path dir) throws Exception {
        Crypto crypto = Plugins.crypto("bc").create();
        int n = 4;
        ReadmeExamples.Committee committee = ReadmeExamples.Committee.of(crypto, n, 4200);
        List<SigningKey> keys = committee.keys();
        List<NodeId> members = committee.members();
        List<InetSocketAddress> addresses = committee.addresses();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Member>> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int me = i;
                Map<NodeId, InetSocketAddress> peers = committee.peersOf(me);
                Path data = Files.createDirectories(dir.resolve("node-" + i));
                byte[] proposal = ("value-" + i).getBytes(StandardCharsets.UTF_8);
                started.add(pool.submit(() -> startMember(keys.get(me), members, addresses.get(me), peers, data,
                        proposal)));
            }
            List<Decision> decisions = new ArrayList<>();
            for (Future<Member> f : started) {
                decisions.add(f.get(2, TimeUnit.MINUTES).decision());
            }
            for (Decision d : decisions) {
                assertThat(d.sameOutcome(decisions.get(0))).as("agreement").isTrue();
                assertThat(new String(d.value(), StandardCharsets.UTF_8)).startsWith("value-");
                assertThat(Plugins.decider("streamlette").verifyDecision(Committee.equalWeights(members), crypto,
                        d)).as("the proof verifies with the committee alone").isTrue();
            }
        } finally {
            for (Future<Member> f : started) {
                if (f.isDone() && !f.isCancelled()) {
                    try {
                        f.get().node().close();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // the assertion above reports it
                    }
                }
            }
            pool.shutdownNow();
        }
        try (Storage reopened = Plugins.storage("mapdb").open(StorageConfig.at(dir.resolve("node-0")))) {
            assertThat(reopened.scan(new byte[0])).as("closing the node closed its store, votes and all").isNotEmpty();
        }
    }
}
