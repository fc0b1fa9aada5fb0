package dev.bftkit.runtime;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Keeps a node from signing with a store that lost what it signed before. Run by {@link NodeAssembly} once the store
 * is open and before the Decider is created: it compares the store's copy of the {@link SigningRecord} with the
 * record file and what the embedder knows (instances the node ran before), and
 *
 * <ul>
 *   <li>refuses a store that lacks the record, holds another store's, or holds an older generation (a store deleted,
 *       replaced, not mounted, or restored from a copy older than the last start): {@link
 *       StorageException.Kind#STATE_LOST}, unless the loss is accepted;</li>
 *   <li>once a loss is accepted, marks every instance the record lists as lost;</li>
 *   <li>refuses an instance marked lost: {@link StorageException.Kind#MAY_HAVE_SIGNED};</li>
 *   <li>otherwise lists the instance as opened and counts the generation up, in the store first and then in the file,
 *       both durably, before the Decider exists: an instance is listed before anything in it can be signed.</li>
 * </ul>
 *
 * A record file missing beside an intact store is written again from the store, and the other way round.
 */
final class LostStoreGuard {
    private static final System.Logger LOG = System.getLogger(LostStoreGuard.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private LostStoreGuard() {
    }

    /**
     * @param storage the open store
     * @param file the record file
     * @param self this node
     * @param instance the instance about to be created
     * @param ranBefore instances the embedder knows this node took part in (its own journal, say)
     * @param acceptLoss whether an operator accepted that the store is lost
     * @throws StorageException of kind {@code STATE_LOST} or {@code MAY_HAVE_SIGNED}, or if a copy cannot be read or
     *     written
     * @throws ConfigurationException if the store or the record belongs to another node
     */
    static void check(Storage storage, Path file, NodeId self, InstanceId instance, Set<InstanceId> ranBefore,
            boolean acceptLoss) {
        Optional<SigningRecord> record = SigningRecord.read(file);
        Optional<SigningRecord> stored = SigningRecord.load(storage);
        owner(self, record, "its signing record " + file);
        owner(self, stored, "its store");
        SortedSet<String> evidence = new TreeSet<>();
        ranBefore.forEach(i -> evidence.add(Bytes.hex(i.bytes())));
        Optional<String> loss = loss(record, stored, storage, evidence);
        SigningRecord current;
        if (loss.isPresent()) {
            SigningRecord accepted = accepted(self, record, stored, evidence);
            if (!acceptLoss) {
                throw new StorageException(StorageException.Kind.STATE_LOST, "node " + self + " lost the store it "
                        + "signed with: " + loss.get() + "; it may have signed in " + count(accepted) + " (" + file
                        + "), and on this store it could sign messages that contradict those, so it does not start",
                        null);
            }
            LOG.log(System.Logger.Level.WARNING, () -> "node " + self + " accepted the loss of its store ("
                    + loss.get() + "): it never takes part again in the " + count(accepted) + " it may have signed in");
            current = accepted;
        } else {
            current = merged(self, record, stored);
        }
        String hex = Bytes.hex(instance.bytes());
        if (current.mayHaveSigned(hex)) {
            save(current, storage, file);
            throw new StorageException(StorageException.Kind.MAY_HAVE_SIGNED, "node " + self + " may have signed "
                    + "in instance " + instance + " with a store it lost, so it never takes part in it again (" + file
                    + ")", null);
        }
        save(current.opening(hex).nextGeneration(), storage, file);
    }

    private static void owner(NodeId self, Optional<SigningRecord> record, String what) {
        if (record.isPresent() && !record.get().node().equals(self)) {
            throw new ConfigurationException("node " + self + " cannot run on " + what + ": it belongs to node "
                    + record.get().node());
        }
    }

    /** {@return why the store lacks what the node stored before, if it does} */
    private static Optional<String> loss(Optional<SigningRecord> record, Optional<SigningRecord> stored,
            Storage storage, Set<String> evidence) {
        if (record.isPresent()) {
            SigningRecord r = record.get();
            if (stored.isEmpty()) {
                return Optional.of("the store holds no signing record (deleted, replaced or not mounted)");
            }
            if (!Arrays.equals(stored.get().store(), r.store())) {
                return Optional.of("the store is another one than the store it signed with");
            }
            if (stored.get().generation() < r.generation()) {
                return Optional.of("the store is an older copy (start " + stored.get().generation() + ") than the one"
                        + " it last started with (start " + r.generation() + "), restored from a backup perhaps");
            }
            return Optional.empty();
        }
        if (stored.isEmpty() && !evidence.isEmpty() && storage.scan(new byte[0], null, 1).isEmpty()) {
            return Optional.of("the store is empty and its signing record is gone, but the node ran before");
        }
        return Optional.empty();
    }

    /** The record after an accepted loss: everything the lost store may have signed in is lost. */
    private static SigningRecord accepted(NodeId self, Optional<SigningRecord> record, Optional<SigningRecord> stored,
            SortedSet<String> evidence) {
        SortedSet<String> lost = new TreeSet<>(evidence);
        record.ifPresent(r -> lost.addAll(r.all()));
        stored.ifPresent(s -> lost.addAll(s.lost()));
        SortedSet<String> opened = new TreeSet<>(stored.map(SigningRecord::opened).orElse(new TreeSet<>()));
        opened.removeAll(lost);
        boolean all = record.map(r -> r.overflow() || r.lostAll()).orElse(false)
                || stored.map(SigningRecord::lostAll).orElse(false);
        long generation = Math.max(record.map(SigningRecord::generation).orElse(0L),
                stored.map(SigningRecord::generation).orElse(0L));
        byte[] id = stored.map(SigningRecord::store).orElseGet(LostStoreGuard::newStoreId);
        return new SigningRecord(self, id, generation, opened, lost, false, all);
    }

    /** The record when nothing was lost: both copies together, or a fresh one on a node's first start. */
    private static SigningRecord merged(NodeId self, Optional<SigningRecord> record, Optional<SigningRecord> stored) {
        if (stored.isEmpty()) {
            return record.orElseGet(() -> new SigningRecord(self, newStoreId(), 0, new TreeSet<>(), new TreeSet<>(),
                    false, false));
        }
        SigningRecord s = stored.get();
        if (record.isEmpty()) {
            return s;
        }
        SigningRecord r = record.get();
        SortedSet<String> opened = new TreeSet<>(s.opened());
        opened.addAll(r.opened());
        SortedSet<String> lost = new TreeSet<>(s.lost());
        lost.addAll(r.lost());
        return new SigningRecord(self, s.store(), Math.max(s.generation(), r.generation()), opened, lost,
                s.overflow() || r.overflow(), s.lostAll() || r.lostAll());
    }

    /** The store first: a record file ahead of its store would read as an older copy of the store. */
    private static void save(SigningRecord r, Storage storage, Path file) {
        r.save(storage);
        r.write(file);
    }

    private static byte[] newStoreId() {
        byte[] id = new byte[SigningRecord.STORE_ID_BYTES];
        RANDOM.nextBytes(id);
        return id;
    }

    private static String count(SigningRecord r) {
        if (r.lostAll()) {
            return "every instance (it opened more than " + SigningRecord.MAX_INSTANCES + ")";
        }
        return r.lost().size() == 1 ? "1 instance" : r.lost().size() + " instances";
    }
}
