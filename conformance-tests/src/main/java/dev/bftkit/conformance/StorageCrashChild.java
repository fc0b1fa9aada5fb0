package dev.bftkit.conformance;

import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link StorageVerification}'s crash and locking rules, started in its own JVM with the
 * storage plugin found by name through {@link Plugins#storage(String)}, so that any provider on the module or
 * class path can be crash-tested. It speaks on standard output, one line per event:
 * <ul>
 *   <li>{@code write <provider> <directory> <seed> <count>}: opens the store, checks that it holds exactly the kit's
 *       numbered batches 1..k and prints {@code open k} (or {@code damaged <what>} and exit status 2), then writes
 *       batches k+1..k+count, printing {@code ack n} after each {@code write} returns, then {@code done}. The parent
 *       kills it with SIGKILL somewhere along the way.</li>
 *   <li>{@code probe <provider> <directory>}: tries to open the store and prints {@code opened} (and closes it) or
 *       {@code refused <message>} if the provider threw a {@link StorageException}.</li>
 * </ul>
 * Any other failure ends it with a stack trace on standard error and exit status 1.
 */
public final class StorageCrashChild {
    private StorageCrashChild() {
    }

    /**
     * Runs the mode named by the first argument. A failure ends the JVM with a non-zero exit status (see the class
     * description).
     *
     * @param args the mode and its arguments, as in the class description
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        int status;
        try {
            status = switch (args.length > 0 ? args[0] : "") {
                case "write" -> write(out, args);
                case "probe" -> probe(out, args);
                default -> throw new IllegalArgumentException("usage: write <provider> <dir> <seed> <count> | "
                        + "probe <provider> <dir>");
            };
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    private static int write(PrintStream out, String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("write <provider> <dir> <seed> <count>");
        }
        long seed = Long.parseLong(args[3]);
        long count = Long.parseLong(args[4]);
        try (Storage storage = Plugins.storage(args[1]).open(StorageConfig.at(Path.of(args[2])))) {
            long complete;
            try {
                complete = CrashBatches.check(storage, seed);
            } catch (IllegalStateException | StorageException e) {
                say(out, "damaged " + oneLine(e));
                return 2;
            }
            say(out, "open " + complete);
            for (long n = complete + 1; n <= complete + count; n++) {
                storage.write(CrashBatches.batch(seed, n));
                say(out, "ack " + n);
            }
        }
        say(out, "done");
        return 0;
    }

    private static int probe(PrintStream out, String[] args) {
        if (args.length != 3) {
            throw new IllegalArgumentException("probe <provider> <dir>");
        }
        Storage storage;
        try {
            storage = Plugins.storage(args[1]).open(StorageConfig.at(Path.of(args[2])));
        } catch (StorageException e) {
            say(out, "refused " + oneLine(e));
            return 0;
        }
        storage.close();
        say(out, "opened");
        return 0;
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).replace('\n', ' ');
    }

    private static void say(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }
}
