package dev.bftkit.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Graph dumps: each Decider's {@link dev.bftkit.api.spi.GraphView#toDot()} as a DOT file per node per decision, and
 * an SVG beside it when Graphviz {@code dot} is on the {@code PATH}. The one place bftkit runs Graphviz:
 * {@code simulate --graphs} and {@code node --graphs} both render through {@link #renderSvg()}.
 */
final class Graphs {
    private static final long DOT_TIMEOUT_SECONDS = 60;

    private final Path dir;
    private final List<Path> written = new ArrayList<>();

    private Graphs(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir the output directory, created if missing
     * @return the writer
     * @throws CliException (usage) if the directory cannot be created
     */
    static Graphs in(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CliException.usage("cannot create the graphs directory " + dir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw CliException.usage("the graphs directory " + dir + " is not writable");
        }
        return new Graphs(dir);
    }

    /** @return the directory */
    Path dir() {
        return dir;
    }

    /**
     * Writes one graph.
     *
     * @param name the file name without extension
     * @param dot the DOT text
     * @return the file
     */
    Path write(String name, String dot) {
        Path file = dir.resolve(name + ".dot");
        try {
            Files.writeString(file, dot, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.failure("cannot write " + file + ": " + e.getMessage(), e);
        }
        synchronized (written) {
            written.add(file);
        }
        return file;
    }

    /** @return the DOT files written so far */
    List<Path> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }

    /**
     * Renders every DOT file written so far as SVG with Graphviz, if its {@code dot} is on the {@code PATH}.
     *
     * @return how many SVG files were written, or empty if Graphviz is not on the {@code PATH}
     */
    OptionalInt renderSvg() {
        Optional<Path> dot = graphviz();
        return dot.isPresent() ? OptionalInt.of(renderSvg(dot.get())) : OptionalInt.empty();
    }

    private int renderSvg(Path dot) {
        int n = 0;
        for (Path f : written()) {
            String name = f.getFileName().toString();
            Path svg = f.resolveSibling(name.substring(0, name.length() - ".dot".length()) + ".svg");
            if (svg(dot, f, svg)) {
                n++;
            }
        }
        return n;
    }

    /**
     * @param dot the {@code dot} executable
     * @param in a DOT file
     * @param out the SVG file to write
     * @return true if Graphviz wrote it
     */
    private static boolean svg(Path dot, Path in, Path out) {
        try {
            Process p = new ProcessBuilder(dot.toString(), "-Tsvg", in.toString(), "-o", out.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(DOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && Files.isRegularFile(out);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return Graphviz {@code dot} if it is an executable on the {@code PATH} */
    static Optional<Path> graphviz() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            for (String exe : new String[] {"dot", "dot.exe"}) {
                try {
                    Path p = Path.of(d, exe);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return Optional.of(p);
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    break; // not a directory name on this system
                }
            }
        }
        return Optional.empty();
    }
}
