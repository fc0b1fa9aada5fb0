package dev.bftkit.parsec.golden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the reference's recorded graphs (GPL data, not shipped here): the folder that {@code -Dbftkit.parsec.golden=DIR}
 * names. Without it the golden tests skip.
 */
final class GoldenFiles {
    private GoldenFiles() {
    }

    /** @return the folder, or null if none is named or it does not exist */
    static Path folder() {
        String configured = System.getProperty("bftkit.parsec.golden");
        if (configured == null || configured.isBlank()) {
            return null;
        }
        Path p = Paths.get(configured);
        return Files.isDirectory(p) ? p : null;
    }

    /** @return every recorded graph except those that need distributed key generation, sorted */
    static List<Path> nonDkgGraphs() throws IOException {
        Path folder = folder();
        if (folder == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.toString().endsWith(".dot"))
                    .filter(p -> !folder.relativize(p).toString().contains("dkg"))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    static String name(Path p) {
        Path folder = folder();
        return folder == null ? p.toString() : folder.relativize(p).toString();
    }
}
