package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose store is lost does not rejoin as a blank member that could contradict its own votes: real
 * {@code consensus node} runs (MapDB files, Ed25519 keys, Vert.x) in which the store is deleted, deleted with its
 * signing record, or replaced by an older copy.
 */
class LostStoreTest {
    @TempDir
    Path dir;

    private Path conf;

    private Path data() {
        return dir.resolve("data");
    }

    private CliRun node(String... extra) {
        String[] args = Stream.concat(Stream.of("node", "--config", conf.toString(), "--exit-after", "1"),
                Stream.of(extra)).toArray(String[]::new);
        return CliRun.of(args);
    }

    /** A one-member committee that decided 'first' in instance 'solo'. */
    private void decidedOnce() throws IOException {
        CliRun k = CliRun.of("keygen", "--out", dir.resolve("node.key").toString(), "--json");
        assertThat(k.code()).as(k.describe()).isZero();
        conf = dir.resolve("node.conf");
        Files.writeString(conf, "instance = solo\nkey = node.key\ntick.start.ms = 20\nmember = " + k.json().get("nodeId")
                + " 127.0.0.1:" + ClusterTestSupport.freePort() + "\n");
        CliRun r = node("--propose", "first");
        assertThat(r.code()).as(r.describe()).isZero();
    }

    private static void delete(Path path) throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aNodeWhoseStoreFilesWereDeletedRefusesToVoteUntilToldAndThenOnlyInNewInstances() throws IOException {
        decidedOnce();
        try (Stream<Path> files = Files.list(data().resolve("storage"))) {
            for (Path f : files.toList()) {
                Files.delete(f); // store.mapdb, its journal and lock: the rest of the data directory stays
            }
        }

        CliRun refused = node("--propose", "second");
        assertThat(refused.code()).as(refused.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err()).contains("lost the store it signed with: the store holds no signing record")
                .contains("run again with --i-lost-my-store").hasLineCount(1);
        assertThat(refused.out()).doesNotContain("decided #0");

        CliRun sameInstance = node("--propose", "second", "--i-lost-my-store");
        assertThat(sameInstance.code()).as(sameInstance.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(sameInstance.err()).contains("may have signed in instance solo with a store it lost, so it never "
                + "takes part in it again").contains("run it on a new instance (--instance NAME)");
        assertThat(sameInstance.out()).doesNotContain("decided #0");

        CliRun fresh = node("--i-lost-my-store", "--instance", "next", "--propose", "third");
        assertThat(fresh.code()).as(fresh.describe()).isZero();
        assertThat(fresh.out()).contains("decided #0 'third'");
        // the acceptance is durable: no flag needed from now on, and the lost instance stays refused
        assertThat(node("--instance", "later").code()).isZero();
        CliRun again = node("--propose", "second");
        assertThat(again.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("may have signed in instance solo");
    }

    @Test
    void aNodeWhoseStoreDirectoryAndSigningRecordWereDeletedIsCaughtByItsDecisionJournal() throws IOException {
        decidedOnce();
        delete(data().resolve("storage"));
        Files.deleteIfExists(data().resolve("signing-record"));

        CliRun refused = node("--propose", "second");
        assertThat(refused.code()).as(refused.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err()).contains("the store is empty and its signing record is gone, but the node ran before")
                .contains("--i-lost-my-store");
        assertThat(node("--propose", "second", "--i-lost-my-store").err()).contains("may have signed in instance solo");
    }

    @Test
    void aStoreRestoredFromACopyOlderThanTheLastStartIsRefused() throws IOException {
        decidedOnce();
        Path copy = dir.resolve("backup");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(data().resolve("storage"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        assertThat(node("--instance", "second").code()).isZero(); // a later start, with votes in another instance
        delete(data().resolve("storage"));
        Files.move(copy, data().resolve("storage"));

        CliRun refused = node("--instance", "second");
        assertThat(refused.code()).as(refused.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err()).contains("the store is an older copy").contains("--i-lost-my-store");
    }

    @Test
    void aSigningRecordDeletedBesideAnIntactStoreIsWrittenAgainFromTheStore() throws IOException {
        decidedOnce();
        Files.delete(data().resolve("signing-record"));
        CliRun r = node();
        assertThat(r.code()).as(r.describe()).isZero();
        assertThat(r.out()).contains("restored from storage");
        assertThat(Files.readString(data().resolve("signing-record"))).contains("opened " + dev.bftkit.api.Bytes.hex(
                "solo".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
