package dev.bftkit.conformance.junit;

import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The child process of {@link StorageVerification}'s crash and locking rules, started in its own JVM with the
 * storage plugin found by name through {@link Plugins#storage(String)}, so that any provider on the module or
 * class path can be crash-tested. It opens the store with the directory and the options of the verification's
 * {@link StorageVerification#config(java.nio.file.Path) config}, given as trailing {@code name=value} arguments. It
 * speaks on standard output, one line per event:
 * <ul>
 *   <li>{@code write <provider> <directory> <seed> <count> [name=value …]}: opens the store, checks that it holds
 *       exactly the kit's numbered batches 1..k and prints {@code open k} (or {@code damaged <what>} and exit status
 *       2), then writes batches k+1..k+count, printing {@code ack n} after each {@code write} returns, then
 *       {@code done}. The parent kills it with SIGKILL somewhere along the way.</li>
 *   <li>{@code probe <provider> <directory> [name=value …]}: tries to open the store and prints {@code opened}
 *       (and closes it) or {@code refused <message>} if the provider threw a {@link StorageException}.</li>
 * </ul>
 * Any other failure ends it with a stack trace on standard error and exit status 1.
 */
public final class StorageCrashChild {
    private static final String USAGE = "usage: write <provider> <dir> <seed> <count> [name=value …] | "
            + "probe <provider> <dir> [name=value …]";

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
                default -> throw new IllegalArgumentException(USAGE);
            };
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * One option as a trailing argument.
     *
     * @param name the option's name; it must not contain {@code =}
     * @param value its value
     * @return {@code name=value}
     * @throws IllegalArgumentException if the name contains {@code =}
     */
    static String option(String name, String value) {
        if (name.contains("=")) {
            throw new IllegalArgumentException("the kit passes storage options to its child JVMs as name=value; "
                    + "an option name cannot contain '=': " + name);
        }
        return name + "=" + value;
    }

    /** The configuration from {@code args[2]} (the directory) and the {@code name=value} arguments from {@code from}. */
    private static StorageConfig config(String[] args, int from) {
        Map<String, String> options = new TreeMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not an option (name=value): " + args[i] + "; " + USAGE);
            }
            options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return new StorageConfig(Path.of(args[2]), options);
    }

    private static int write(PrintStream out, String[] args) {
        if (args.length < 5) {
            throw new IllegalArgumentException(USAGE);
        }
        long seed = Long.parseLong(args[3]);
        long count = Long.parseLong(args[4]);
        try (Storage storage = Plugins.storage(args[1]).open(config(args, 5))) {
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
        if (args.length < 3) {
            throw new IllegalArgumentException(USAGE);
        }
        Storage storage;
        try {
            storage = Plugins.storage(args[1]).open(config(args, 3));
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
