package dev.bftkit.parsec.golden;

import java.util.ArrayList;
import java.util.List;

/** An observation as written in a dump. Distributed key generation observations are {@link Unsupported}. */
sealed interface DotObservation {

    /**
     * @param text for example {@code Genesis({Alice, Bob})}, {@code Add(Dave)} or {@code OpaquePayload(0)}
     * @return the observation
     */
    static DotObservation parse(String text) {
        if (text.startsWith("Genesis({") && text.endsWith("})")) {
            String body = text.substring("Genesis({".length(), text.length() - 2).trim();
            List<String> group = new ArrayList<>();
            if (!body.isEmpty()) {
                for (String s : body.split(",")) {
                    group.add(s.trim());
                }
            }
            return new Genesis(group);
        } else if (text.startsWith("Add(") && text.endsWith(")")) {
            return new Add(text.substring(4, text.length() - 1).trim());
        } else if (text.startsWith("Remove(") && text.endsWith(")")) {
            return new Remove(text.substring(7, text.length() - 1).trim());
        } else if (text.startsWith("OpaquePayload(") && text.endsWith(")")) {
            return new Opaque(text.substring("OpaquePayload(".length(), text.length() - 1));
        }
        return new Unsupported(text);
    }

    /**
     * The genesis group (with empty related info).
     *
     * @param group the member names
     */
    record Genesis(List<String> group) implements DotObservation {
        /** Copies the list. */
        public Genesis {
            group = List.copyOf(group);
        }
    }

    /**
     * Add a peer (with empty related info).
     *
     * @param peer its name
     */
    record Add(String peer) implements DotObservation {
    }

    /**
     * Remove a peer (with empty related info).
     *
     * @param peer its name
     */
    record Remove(String peer) implements DotObservation {
    }

    /**
     * A mock transaction: a string.
     *
     * @param text the string
     */
    record Opaque(String text) implements DotObservation {
    }

    /**
     * An observation a replay cannot reproduce (distributed key generation, accusations).
     *
     * @param text as written
     */
    record Unsupported(String text) implements DotObservation {
    }
}
