package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Decision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a node decided in one instance, as the command saw it: one {@code POSITION HEX} line per decision in
 * {@code DATA/decided-INSTANCE.txt}, written when the decision is seen. A restarted node compares each decision
 * with it, so a resumed run shows its decisions intact (or fails loudly if one changed). The Decider's own state is
 * in the storage; this is the command's record for people.
 */
final class Journal {
    /** The largest journal read, in bytes. */
    static final long MAX_BYTES = 64L << 20;

    /** How a decision compares with the journal. */
    enum Match {
        /** Not decided before: recorded now. */
        NEW,
        /** The same value as recorded earlier. */
        SAME,
        /** A different value from the one recorded earlier. */
        DIFFERENT
    }

    private final Path file;
    private final String name;
    private final List<byte[]> earlier;

    private Journal(Path file, String name, List<byte[]> earlier) {
        this.file = file;
        this.name = name;
        this.earlier = earlier;
    }

    /**
     * @param dataDir the node's data directory
     * @param instance the instance name
     * @return the instance's journal, with what it recorded earlier
     */
    static Journal open(Path dataDir, String instance) {
        String name = instance.matches("[A-Za-z0-9._-]{1,64}") && !instance.startsWith(".") ? instance
                : "0x" + Bytes.hex(instance.getBytes(StandardCharsets.UTF_8));
        Path file = dataDir.resolve("decided-" + name + ".txt");
        List<byte[]> earlier = new ArrayList<>();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw CliException.failure("decision journal " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                n++;
                String[] p = line.strip().split(" ");
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (p.length != 2 || Long.parseLong(p[0]) != earlier.size()) {
                        throw new IllegalArgumentException();
                    }
                    earlier.add(Bytes.fromHex(p[1]));
                } catch (IllegalArgumentException e) {
                    throw CliException.failure(file + ":" + n + ": damaged decision journal line");
                }
            }
        } catch (NoSuchFileException e) {
            // nothing decided yet
        } catch (IOException e) {
            throw CliException.failure("cannot read the decision journal " + file + ": " + e.getMessage(), e);
        }
        return new Journal(file, name, earlier);
    }

    /** @return the journal file */
    Path file() {
        return file;
    }

    /** @return the instance name as used in file names */
    String name() {
        return name;
    }

    /** @return the values decided earlier, by position */
    synchronized List<byte[]> earlier() {
        return earlier.stream().map(byte[]::clone).toList();
    }

    /**
     * Compares a decision with the journal and records it if it is new.
     *
     * @param d a decision
     * @return how it compares
     */
    synchronized Match record(Decision d) {
        if (d.position() < earlier.size()) {
            return Arrays.equals(earlier.get((int) d.position()), d.value()) ? Match.SAME : Match.DIFFERENT;
        }
        if (d.position() != earlier.size()) {
            return Match.NEW; // a gap cannot be recorded in order; the Decider's own integrity rules cover it
        }
        earlier.add(d.value());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap((d.position() + " " + Bytes.hex(d.value()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot record the decision in " + file + ": " + e.getMessage());
        }
        return Match.NEW;
    }
}
