package dev.bftkit.runtime;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.api.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a node signed with which store, kept in two copies so that losing one is noticed and repaired from the other:
 * a small text file outside the store's own files (the record), and reserved keys in the store ({@link #PREFIX}).
 * Both hold the node's id, the store's random id, a generation counted up at every start, the instances the node
 * opened with this store (hex), the instances it opened with a store it lost, and two flags for more instances than
 * are kept exactly. Every byte read back is checked and bounded; a damaged record is a {@link StorageException}.
 *
 * @param node the node that signs with the store
 * @param store the store's random id
 * @param generation counted up at every start; a store whose generation is below the record's is an older copy
 * @param opened the instances opened with this store, as hex
 * @param lost the instances opened with a store since lost, as hex: never run again
 * @param overflow more instances were opened with this store than {@link #MAX_INSTANCES}; not all are listed
 * @param lostAll a lost store had overflowed: every instance counts as lost
 */
record SigningRecord(NodeId node, byte[] store, long generation, SortedSet<String> opened, SortedSet<String> lost,
        boolean overflow, boolean lostAll) {
    /** The most instances kept exactly, opened and lost together; beyond it the record notes an overflow. */
    static final int MAX_INSTANCES = 65_536;
    /** The largest record file read, in bytes: {@link #MAX_INSTANCES} lines of 136 bytes and the header. */
    static final long MAX_FILE_BYTES = 16L << 20;
    /** The store keys the record's copy lives under; no Decider's keys start with these bytes. */
    static final byte[] PREFIX = new Encoder().bytes("bftkit.node".getBytes(StandardCharsets.US_ASCII)).toByteArray();
    static final int STORE_ID_BYTES = 16;
    private static final byte[] HEAD = Bytes.concat(PREFIX, new byte[] {'S'});
    private static final byte[] OPENED = Bytes.concat(PREFIX, new byte[] {'O'});
    private static final byte[] LOST = Bytes.concat(PREFIX, new byte[] {'L'});
    private static final String HEADER = "# bftkit signing record: the store this node signs with and the instances it "
            + "opened; it is kept in the store too, and a store that lacks it is refused (docs/ARCHITECTURE.md)\n";

    /**
     * Copies the sets and keeps them within {@link #MAX_INSTANCES}: more lost instances than that make every instance
     * lost, and opened ones beyond it are dropped and noted as an overflow (after a loss, every instance is then lost).
     */
    SigningRecord {
        lost = new TreeSet<>(lost);
        if (lost.size() > MAX_INSTANCES) {
            lost.clear();
            lostAll = true;
        }
        opened = new TreeSet<>(opened);
        while (opened.size() + lost.size() > MAX_INSTANCES) {
            opened.remove(opened.last());
            overflow = true;
        }
    }

    /** {@return the same record with its generation counted up} */
    SigningRecord nextGeneration() {
        return new SigningRecord(node, store, generation + 1, opened, lost, overflow, lostAll);
    }

    /**
     * @param instance an instance, as hex
     * @return the record with the instance listed as opened, or noted as an overflow when the record is full
     */
    SigningRecord opening(String instance) {
        if (opened.contains(instance)) {
            return this;
        }
        if (opened.size() + lost.size() >= MAX_INSTANCES) {
            return new SigningRecord(node, store, generation, opened, lost, true, lostAll);
        }
        SortedSet<String> more = new TreeSet<>(opened);
        more.add(instance);
        return new SigningRecord(node, store, generation, more, lost, overflow, lostAll);
    }

    /**
     * @param instance an instance, as hex
     * @return true if the node may have signed in it with a store it lost
     */
    boolean mayHaveSigned(String instance) {
        return lostAll || lost.contains(instance);
    }

    // ---- the store's copy ----

    /**
     * Reads the store's copy.
     *
     * @param stored the store
     * @return the copy, or empty if the store holds none
     * @throws StorageException if it is damaged
     */
    static Optional<SigningRecord> load(Storage stored) {
        Optional<byte[]> head = stored.get(HEAD);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(head.get());
        try {
            int idLength = b.get() & 0xff;
            if (idLength == 0 || idLength > NodeId.MAX_LENGTH || b.remaining() != idLength + STORE_ID_BYTES + 9) {
                throw new IllegalArgumentException();
            }
            byte[] id = new byte[idLength];
            byte[] store = new byte[STORE_ID_BYTES];
            b.get(id).get(store);
            long generation = b.getLong();
            int flags = b.get();
            SortedSet<String> opened = instances(stored, OPENED);
            SortedSet<String> lost = instances(stored, LOST);
            return Optional.of(new SigningRecord(NodeId.of(id), store, generation, opened, lost,
                    (flags & 1) != 0 || opened.size() + lost.size() > MAX_INSTANCES, (flags & 2) != 0));
        } catch (RuntimeException e) {
            throw new StorageException("the store's copy of the node's signing record is damaged", e);
        }
    }

    /** At most one more than {@link #MAX_INSTANCES}, read in pages: a store is untrusted too. */
    private static SortedSet<String> instances(Storage stored, byte[] prefix) {
        SortedSet<String> out = new TreeSet<>();
        byte[] after = null;
        while (out.size() <= MAX_INSTANCES) {
            List<StoredState.Entry> page = stored.scan(prefix, after, 4096);
            for (StoredState.Entry e : page) {
                out.add(instance(Bytes.hex(Arrays.copyOfRange(e.key(), prefix.length, e.key().length))));
            }
            if (page.size() < 4096) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        return out;
    }

    /**
     * Replaces the store's copy with this record, in one atomic batch.
     *
     * @param storage the store
     */
    void save(Storage storage) {
        WriteBatch batch = new WriteBatch();
        for (String gone : instances(storage, OPENED)) {
            if (!opened.contains(gone)) {
                batch.delete(Bytes.concat(OPENED, Bytes.fromHex(gone)));
            }
        }
        opened.forEach(i -> batch.put(Bytes.concat(OPENED, Bytes.fromHex(i)), new byte[0]));
        lost.forEach(i -> batch.put(Bytes.concat(LOST, Bytes.fromHex(i)), new byte[0]));
        byte[] id = node.bytes();
        batch.put(HEAD, ByteBuffer.allocate(1 + id.length + STORE_ID_BYTES + 9).put((byte) id.length).put(id)
                .put(store).putLong(generation).put((byte) ((overflow ? 1 : 0) | (lostAll ? 2 : 0))).array());
        storage.write(batch);
    }

    // ---- the file ----

    /**
     * Reads the record file.
     *
     * @param file the file
     * @return the record, or empty if there is no file
     * @throws StorageException if it cannot be read, is too large or damaged
     */
    static Optional<SigningRecord> read(Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new StorageException("the signing record " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read the signing record " + file + ": " + e, e);
        }
        return Optional.of(parse(file, lines));
    }

    private static SigningRecord parse(Path file, List<String> lines) {
        NodeId node = null;
        byte[] store = null;
        long generation = -1;
        SortedSet<String> opened = new TreeSet<>();
        SortedSet<String> lost = new TreeSet<>();
        boolean overflow = false;
        boolean lostAll = false;
        int n = 0;
        try {
            for (String line : lines) {
                n++;
                String[] p = line.split(" ");
                switch (line.startsWith("#") ? "#" : p[0]) {
                    case "#" -> { }
                    case "node" -> node = NodeId.fromHex(one(p));
                    case "store" -> {
                        store = Bytes.fromHex(p[1]);
                        generation = Long.parseLong(p[2]);
                        if (p.length != 3 || store.length != STORE_ID_BYTES || generation < 0) {
                            throw new IllegalArgumentException();
                        }
                    }
                    case "opened" -> opened.add(instance(one(p)));
                    case "lost" -> lost.add(instance(one(p)));
                    case "overflow" -> overflow = p.length == 1 || fail();
                    case "lost-all" -> lostAll = p.length == 1 || fail();
                    default -> fail();
                }
            }
        } catch (RuntimeException e) {
            throw new StorageException(file + ":" + n + ": damaged signing record line; if the node's store is "
                    + "intact, delete the file and the node writes it again from the store", e);
        }
        if (node == null || store == null || opened.size() + lost.size() > MAX_INSTANCES) {
            throw new StorageException(file + ": damaged signing record (no node, no store or too many instances); "
                    + "if the node's store is intact, delete the file and the node writes it again from the store");
        }
        return new SigningRecord(node, store, generation, opened, lost, overflow, lostAll);
    }

    private static String one(String[] p) {
        if (p.length != 2) {
            throw new IllegalArgumentException();
        }
        return p[1];
    }

    private static String instance(String hex) {
        byte[] b = Bytes.fromHex(hex);
        if (b.length == 0 || b.length > InstanceId.MAX_LENGTH) {
            throw new IllegalArgumentException();
        }
        return Bytes.hex(b);
    }

    private static boolean fail() {
        throw new IllegalArgumentException();
    }

    /**
     * Replaces the record file with this record: written to a temporary file, forced, moved over the old one, and
     * the directory forced.
     *
     * @param file the file
     * @throws StorageException if it cannot be written
     */
    void write(Path file) {
        StringBuilder s = new StringBuilder(HEADER).append("node ").append(node.toHex()).append('\n')
                .append("store ").append(Bytes.hex(store)).append(' ').append(generation).append('\n');
        opened.forEach(i -> s.append("opened ").append(i).append('\n'));
        lost.forEach(i -> s.append("lost ").append(i).append('\n'));
        s.append(overflow ? "overflow\n" : "").append(lostAll ? "lost-all\n" : "");
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve(file.getFileName() + ".new");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot write the signing record " + file + ": " + e, e);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the move is then as durable as the platform makes it
        }
    }

    /** {@return the instances listed, opened then lost, for messages} */
    List<String> all() {
        List<String> all = new ArrayList<>(opened);
        all.addAll(lost);
        return all;
    }
}
