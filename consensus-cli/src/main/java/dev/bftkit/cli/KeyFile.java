package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * A node's signing key on disk: the crypto plugin's name, the seed the key derives from (the secret) and the public
 * key (the node id), as {@code name=value} lines. Written with owner-only permissions where the file system has
 * POSIX permissions.
 *
 * @param crypto the crypto plugin's name
 * @param key the signing key
 */
record KeyFile(String crypto, SigningKey key) {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** The largest key file read, in bytes: a key file is a few hundred bytes. */
    static final int MAX_BYTES = 16 * 1024;

    /**
     * Writes the key, replacing the file only if {@code replace}: to a temporary file with owner-only permissions
     * first, then moved into place.
     *
     * @param file where
     * @param replace whether an existing file may be replaced
     * @return true if the file has owner-only permissions (false where the file system has no POSIX permissions)
     */
    boolean write(Path file, boolean replace) {
        if (!replace && Files.exists(file)) {
            throw CliException.usage(file + " already exists (use --force to replace it)");
        }
        Path dir = file.toAbsolutePath().getParent();
        String text = "# bftkit signing key: keep it secret, anyone with this file can sign as this node\n"
                + "crypto=" + crypto + "\n"
                + "seed=" + Bytes.hex(key.seed()) + "\n"
                + "public=" + key.publicKey().nodeId().toHex() + "\n";
        Path tmp = null;
        boolean posix;
        try {
            Files.createDirectories(dir);
            posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            tmp = posix ? Files.createTempFile(dir, ".key-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                    : Files.createTempFile(dir, ".key-", ".tmp");
            if (!posix) {
                java.io.File f = tmp.toFile(); // no POSIX permissions: the closest the JDK offers
                boolean restricted = f.setReadable(false, false) & f.setReadable(true, true)
                        & f.setWritable(false, false) & f.setWritable(true, true);
                if (!restricted) {
                    System.getLogger(KeyFile.class.getName()).log(System.Logger.Level.WARNING,
                            "could not restrict who may read " + file);
                }
            }
            try (SeekableByteChannel ch = Files.newByteChannel(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            try {
                if (replace) {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (AtomicMoveNotSupportedException e) {
                if (replace) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.move(tmp, file);
                }
            }
            tmp = null;
        } catch (FileAlreadyExistsException e) {
            throw CliException.usage(file + " already exists (use --force to replace it)");
        } catch (IOException e) {
            throw CliException.failure("cannot write the key file " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // best effort: the temporary file holds the secret, but the error above says what failed
                }
            }
        }
        return posix;
    }

    /**
     * Reads and checks a key file: the crypto plugin must exist, the seed must make a key, and that key's public key
     * must be the one recorded.
     *
     * @param file the key file
     * @return the key
     * @throws CliException (usage) naming the file and what is wrong
     */
    static KeyFile read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw CliException.usage("key file " + file + " is larger than " + MAX_BYTES + " bytes: not a key file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliException.usage("key file " + file + " not found");
        } catch (IOException e) {
            throw CliException.usage("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String crypto = null;
        String seed = null;
        String pub = null;
        int n = 0;
        for (String raw : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw CliException.usage(file + ":" + n + ": expected name=value");
            }
            String k = line.substring(0, eq).strip();
            String v = line.substring(eq + 1).strip();
            switch (k) {
                case "crypto" -> crypto = v;
                case "seed" -> seed = v;
                case "public" -> pub = v;
                default -> throw CliException.usage(file + ":" + n + ": unknown name '" + k + "'");
            }
        }
        if (crypto == null || seed == null || pub == null) {
            throw CliException.usage("key file " + file + " needs crypto=, seed= and public= lines");
        }
        Crypto suite = NodePlugins.crypto(crypto).create();
        byte[] seedBytes;
        try {
            seedBytes = Bytes.fromHex(seed);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("key file " + file + ": the seed is not hex");
        }
        if (seedBytes.length != suite.seedLength()) {
            throw CliException.usage("key file " + file + ": the seed has " + seedBytes.length + " bytes, "
                    + crypto + " needs " + suite.seedLength());
        }
        SigningKey key = suite.keyFromSeed(seedBytes);
        Arrays.fill(seedBytes, (byte) 0);
        if (!key.publicKey().nodeId().toHex().equalsIgnoreCase(pub)) {
            throw CliException.usage("key file " + file + ": the public key does not match the seed (damaged file?)");
        }
        return new KeyFile(crypto, key);
    }
}
