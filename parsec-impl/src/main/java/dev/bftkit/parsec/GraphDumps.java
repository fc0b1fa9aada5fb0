package dev.bftkit.parsec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The debugging dump (the reference's {@code dump-graphs}): one {@code <node>-<nnn>.dot} file per decision, and an
 * SVG beside it when Graphviz {@code dot} is on the {@code PATH}. Off unless {@code parsec.dumpDir} is set; it is
 * the Decider's only I/O besides its storage.
 */
final class GraphDumps {
    private final Path dir;
    private final String node;
    private final Path graphviz;
    private int count;

    GraphDumps(Path dir, String node) {
        this.dir = dir;
        this.node = node;
        this.graphviz = findDot();
    }

    private static Path findDot() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "dot");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** @return the file written */
    Path write(String dot) {
        Path file = dir.resolve(String.format("%s-%03d.dot", node, count++));
        try {
            Files.createDirectories(dir);
            Files.writeString(file, dot, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump the gossip graph to " + file, e);
        }
        if (graphviz != null) {
            String svg = file.toString().replaceFirst("\\.dot$", ".svg");
            try {
                Process p = new ProcessBuilder(graphviz.toString(), "-Tsvg", "-o", svg, file.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Graphviz failed on " + file, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return file;
    }
}
