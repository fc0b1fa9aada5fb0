package dev.bftkit.parsec.golden;

import java.util.ArrayList;
import java.util.List;

/** Reads the meta-votes in a dump's meta-elections section. */
final class RecordedMetaVotes {
    private RecordedMetaVotes() {
    }

    /**
     * @param text a dump
     * @return true if some event's meta-votes are decided for every voter: the dump was taken as that event
     *     decided, before the decision entered the history
     */
    static boolean dumpedAtDecision(String text) {
        String[] lines = text.split("\r?\n");
        boolean inVotes = false;
        List<String> lastPerPeer = new ArrayList<>();
        for (String line : lines) {
            String t = line.replace("///", "").trim();
            if (t.startsWith("meta_votes: {")) {
                inVotes = true;
                lastPerPeer.clear();
            } else if (inVotes && t.equals("}")) {
                inVotes = false;
                if (!lastPerPeer.isEmpty() && lastPerPeer.stream().allMatch(v -> !v.endsWith("-"))) {
                    return true;
                }
            } else if (inVotes && !t.startsWith("stage")) {
                String vote = t.contains(":") ? t.substring(t.indexOf(':') + 1).trim() : t;
                if (t.contains(":")) {
                    lastPerPeer.add(vote);
                } else if (!lastPerPeer.isEmpty()) {
                    lastPerPeer.set(lastPerPeer.size() - 1, vote);
                }
            }
        }
        return false;
    }
}
