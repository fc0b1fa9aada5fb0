package dev.bftkit.cli;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.SigningKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consensus keygen}: a fresh signing key, written to a file; prints the node id. */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate a fresh signing key (Ed25519 on Bouncy Castle by default) and write it to a file "
            + "readable by its owner only. Prints the public key: the node id to list in every member's config."},
        footer = {"", "Exit codes: 0 ok, 1 the file could not be written, 2 bad arguments (or the file exists)."})
final class KeygenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Where to write the key.")
    Path out;

    @Option(names = "--crypto", paramLabel = "NAME", defaultValue = "bc",
            description = "The crypto plugin (default: ${DEFAULT-VALUE}).")
    String crypto;

    @Option(names = {"-f", "--force"}, description = "Replace an existing file.")
    boolean force;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    KeygenCommand() {
    }

    @Override
    public Integer call() {
        Crypto suite = NodePlugins.crypto(crypto).create();
        SigningKey key = suite.generateKey(new SecureRandom());
        boolean ownerOnly = new KeyFile(crypto, key).write(out, force);
        PrintWriter w = spec.commandLine().getOut();
        String id = key.publicKey().nodeId().toHex();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodeId", id);
            m.put("file", out.toString());
            m.put("crypto", crypto);
            m.put("suite", suite.suite());
            m.put("ownerOnly", ownerOnly);
            w.println(Json.write(m));
        } else {
            w.println("node id (public key): " + id);
            w.println("key (" + suite.suite() + ", plugin " + crypto + ") written to " + out
                    + (ownerOnly ? ", readable by its owner only" : " (this file system has no POSIX permissions: "
                    + "protect it yourself)"));
        }
        w.flush();
        return ExitCodes.OK;
    }
}
